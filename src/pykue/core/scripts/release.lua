-- release: give a held job back to inactive without spending an attempt (graceful shutdown).
-- KEYS[1] job hash  KEYS[2] q:jobs:active  KEYS[3] q:jobs:<type>:active  KEYS[4] q:jobs:inactive
-- KEYS[5] q:jobs:<type>:inactive  KEYS[6] wake-up tokens q:<type>:jobs
-- KEYS[7] q:pykue:leases  KEYS[8] q:pykue:owners
-- ARGV[1] id  ARGV[2] zid  ARGV[3] fencing token  ARGV[4] workerId  ARGV[5] now (ms)
-- ARGV[6] events channel
-- Returns 1, or 0 if the caller no longer holds the job (nothing is written).
-- A job reserved but not yet activated (state still inactive) is released too.
local id, zid, token = ARGV[1], ARGV[2], ARGV[3]
local owner = redis.call('HGET', KEYS[8], zid)
if owner ~= token then return 0 end
local f = redis.call('HMGET', KEYS[1], 'state', 'workerId', 'priority', 'type')
redis.call('ZREM', KEYS[7], zid)
redis.call('HDEL', KEYS[8], zid)
local held = f[1] == 'inactive' or (f[1] == 'active' and f[2] == ARGV[4])
if not f[4] or not held then return 0 end
local priority = tonumber(f[3]) or 0
redis.call('HSET', KEYS[1], 'state', 'inactive', 'updated_at', ARGV[5])
redis.call('ZREM', KEYS[2], zid)
redis.call('ZREM', KEYS[3], zid)
redis.call('ZADD', KEYS[4], priority, zid)
redis.call('ZADD', KEYS[5], priority, zid)
redis.call('LPUSH', KEYS[6], 1)
redis.call('PUBLISH', ARGV[6],
  '{"id":' .. id .. ',"event":"enqueue","args":["enqueue",' .. cjson.encode(f[4]) .. ']}')
return 1
