-- promote: move one due delayed job to inactive (Kue's promoter, atomic).
-- KEYS[1] job hash  KEYS[2] q:jobs:delayed  KEYS[3] q:jobs:<type>:delayed
-- KEYS[4] q:jobs:inactive  KEYS[5] q:jobs:<type>:inactive  KEYS[6] wake-up tokens q:<type>:jobs
-- ARGV[1] id  ARGV[2] zid  ARGV[3] now (ms)  ARGV[4] events channel
-- Returns 1 if promoted; 0 if not due, already promoted, or stale (stale entries are dropped).
local id, zid, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local due = redis.call('ZSCORE', KEYS[2], zid)
if not due or tonumber(due) > now then return 0 end
local f = redis.call('HMGET', KEYS[1], 'type', 'state', 'priority')
if not f[1] or f[2] ~= 'delayed' then
  redis.call('ZREM', KEYS[2], zid)
  return 0
end
local priority = tonumber(f[3]) or 0
redis.call('HSET', KEYS[1], 'state', 'inactive', 'updated_at', now)
redis.call('ZREM', KEYS[2], zid)
redis.call('ZREM', KEYS[3], zid)
redis.call('ZADD', KEYS[4], priority, zid)
redis.call('ZADD', KEYS[5], priority, zid)
redis.call('LPUSH', KEYS[6], 1)
local head = '{"id":' .. id .. ',"event":'
redis.call('PUBLISH', ARGV[4], head .. '"promotion","args":["promotion"]}')
redis.call('PUBLISH', ARGV[4],
  head .. '"enqueue","args":["enqueue",' .. cjson.encode(f[1]) .. ']}')
return 1
