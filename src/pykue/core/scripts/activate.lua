-- activate: make a reserved job active (step 2 of taking a job; step 1 is reserve.lua).
-- KEYS[1] job hash  KEYS[2] q:jobs:active  KEYS[3] q:jobs:<type>:active
-- KEYS[4] q:pykue:leases  KEYS[5] q:pykue:owners
-- ARGV[1] id  ARGV[2] zid  ARGV[3] fencing token  ARGV[4] now (ms)  ARGV[5] workerId
-- ARGV[6] events channel
-- Returns the job hash as {field, value, ...}, or false if the reservation is no longer this
-- caller's, or the job was removed or moved meanwhile (its leftover index entries are cleaned).
local zid, token, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
if redis.call('HGET', KEYS[5], zid) ~= token then return false end
local f = redis.call('HMGET', KEYS[1], 'type', 'state', 'ttl')
if not f[1] or f[2] ~= 'inactive' then
  if f[2] ~= 'active' then
    redis.call('ZREM', KEYS[2], zid)
    redis.call('ZREM', KEYS[3], zid)
  end
  redis.call('ZREM', KEYS[4], zid)
  redis.call('HDEL', KEYS[5], zid)
  return false
end
redis.call('HSET', KEYS[1], 'state', 'active', 'started_at', now, 'workerId', ARGV[5],
  'updated_at', now)
local ttl = tonumber(f[3]) or 0
if ttl > 0 then redis.call('ZADD', KEYS[2], now + ttl, zid) end
redis.call('PUBLISH', ARGV[6],
  '{"id":' .. ARGV[1] .. ',"event":"start","args":["start",' .. cjson.encode(f[1]) .. ',null]}')
return redis.call('HGETALL', KEYS[1])
