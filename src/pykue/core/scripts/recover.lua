-- recover: take back one job whose lease expired (its worker died or hung).
-- Back to inactive with a token (spending an attempt if asked and the job had started), or to
-- failed when no attempt is left.
-- KEYS[1] job hash  KEYS[2] q:job:<id>:log  KEYS[3] q:jobs:active  KEYS[4] q:jobs:<type>:active
-- KEYS[5] q:jobs:inactive  KEYS[6] q:jobs:<type>:inactive  KEYS[7] q:jobs:failed
-- KEYS[8] q:jobs:<type>:failed  KEYS[9] wake-up tokens q:<type>:jobs  KEYS[10] q:pykue:leases
-- KEYS[11] q:pykue:owners  KEYS[12] q:pykue:stats:failed  KEYS[13] q:pykue:history:failed
-- ARGV[1] id  ARGV[2] zid  ARGV[3] now (ms)  ARGV[4] events channel
-- ARGV[5] '1' = a started job spends an attempt  ARGV[6] error text  ARGV[7] error as JSON
-- ARGV[8] minute (now // 60000)
-- Returns 0 (lease not expired, or nothing to recover), 1 (back to inactive), 2 (failed).
local id, zid, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local deadline = redis.call('ZSCORE', KEYS[10], zid)
if not deadline or tonumber(deadline) > now then return 0 end
redis.call('ZREM', KEYS[10], zid)
redis.call('HDEL', KEYS[11], zid)
local f = redis.call('HMGET', KEYS[1], 'type', 'state', 'priority', 'attempts', 'max_attempts')
if not f[1] or (f[2] ~= 'active' and f[2] ~= 'inactive') then
  redis.call('ZREM', KEYS[3], zid)
  if f[1] and f[2] ~= 'active' then redis.call('ZREM', KEYS[4], zid) end
  return 0
end
local priority, channel = tonumber(f[3]) or 0, ARGV[4]
local head = '{"id":' .. id .. ',"event":'
local spend = ARGV[5] == '1' and f[2] == 'active'
local made, max = tonumber(f[4]) or 0, tonumber(f[5])
redis.call('ZREM', KEYS[3], zid)
redis.call('ZREM', KEYS[4], zid)
redis.call('HSET', KEYS[1], 'updated_at', now)
if spend then
  redis.call('HSET', KEYS[1], 'error', ARGV[6], 'failed_at', now)
  redis.call('RPUSH', KEYS[2], ARGV[6])
  redis.call('PUBLISH', channel, head .. '"error","args":["error",' .. ARGV[7] .. ']}')
  if max and made < max then made = redis.call('HINCRBY', KEYS[1], 'attempts', 1) end
  if not max or max - made <= 0 then
    redis.call('HSET', KEYS[1], 'state', 'failed')
    redis.call('ZADD', KEYS[7], priority, zid)
    redis.call('ZADD', KEYS[8], priority, zid)
    redis.call('HINCRBY', KEYS[12], f[1], 1)
    redis.call('HINCRBY', KEYS[13], ARGV[8], 1)
    redis.call('PUBLISH', channel, head .. '"failed","args":["failed",' .. ARGV[7] .. ',null]}')
    return 2
  end
end
redis.call('HSET', KEYS[1], 'state', 'inactive')
redis.call('ZADD', KEYS[5], priority, zid)
redis.call('ZADD', KEYS[6], priority, zid)
redis.call('LPUSH', KEYS[9], 1)
redis.call('PUBLISH', channel, head .. '"enqueue","args":["enqueue",' .. cjson.encode(f[1]) .. ']}')
if spend then
  redis.call('PUBLISH', channel,
    head .. '"failed attempt","args":["failed attempt",' .. ARGV[7] .. ',' .. made .. ']}')
end
return 1
