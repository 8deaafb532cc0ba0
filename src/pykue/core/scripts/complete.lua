-- complete: a job's handler succeeded; all of Kue's bookkeeping at once, fenced by the lease.
-- KEYS[1] job hash  KEYS[2] q:job:<id>:log  KEYS[3] q:jobs  KEYS[4] q:jobs:active
-- KEYS[5] q:jobs:<type>:active  KEYS[6] q:jobs:complete  KEYS[7] q:jobs:<type>:complete
-- KEYS[8] q:pykue:leases  KEYS[9] q:pykue:owners  KEYS[10] q:stats:work-time
-- KEYS[11] q:pykue:stats:completed  KEYS[12] q:pykue:history:complete
-- KEYS[13] q:pykue:stats:duration
-- ARGV[1] id  ARGV[2] zid  ARGV[3] fencing token  ARGV[4] workerId  ARGV[5] now (ms)
-- ARGV[6] duration (ms)  ARGV[7] result JSON ('' = none)  ARGV[8] events channel
-- ARGV[9] minute (now // 60000)  ARGV[10] the duration buckets this run counts in, comma-separated
-- ("250,500,...,+Inf": the histogram is cumulative)
-- Returns 1, or 0 if the lease was lost (the job was recovered or moved): nothing is written.
local id, zid, token, now, duration = ARGV[1], ARGV[2], ARGV[3], ARGV[5], tonumber(ARGV[6])
local owner = redis.call('HGET', KEYS[9], zid)
local f = redis.call('HMGET', KEYS[1], 'state', 'workerId', 'priority', 'attempts',
  'max_attempts', 'removeOnComplete', 'type')
if owner ~= token or f[1] ~= 'active' or f[2] ~= ARGV[4] then
  if owner == token then
    redis.call('ZREM', KEYS[8], zid)
    redis.call('HDEL', KEYS[9], zid)
  end
  return 0
end
local priority, jtype = tonumber(f[3]) or 0, f[7]
redis.call('HSET', KEYS[1], 'duration', duration, 'progress', 100, 'updated_at', now,
  'state', 'complete')
local result = 'null'
if ARGV[7] ~= '' then
  redis.call('HSET', KEYS[1], 'result', ARGV[7])
  result = ARGV[7]
end
redis.call('ZREM', KEYS[4], zid)
redis.call('ZREM', KEYS[5], zid)
redis.call('ZADD', KEYS[6], priority, zid)
redis.call('ZADD', KEYS[7], priority, zid)
local made, max = tonumber(f[4]) or 0, tonumber(f[5])
if max and made < max then redis.call('HINCRBY', KEYS[1], 'attempts', 1) end
redis.call('ZREM', KEYS[8], zid)
redis.call('HDEL', KEYS[9], zid)
redis.call('INCRBY', KEYS[10], duration)
redis.call('HINCRBY', KEYS[11], jtype, 1)
redis.call('HINCRBY', KEYS[12], ARGV[9], 1)
for le in string.gmatch(ARGV[10], '[^,]+') do
  redis.call('HINCRBY', KEYS[13], jtype .. '|' .. le, 1)
end
redis.call('HINCRBY', KEYS[13], jtype .. '|sum', duration)
redis.call('HINCRBY', KEYS[13], jtype .. '|count', 1)
if f[6] and f[6] ~= '' then
  redis.call('ZREM', KEYS[6], zid)
  redis.call('ZREM', KEYS[7], zid)
  redis.call('ZREM', KEYS[3], zid)
  redis.call('DEL', KEYS[2], KEYS[1])
end
redis.call('PUBLISH', ARGV[8],
  '{"id":' .. id .. ',"event":"complete","args":["complete",' .. result .. ',null]}')
if f[6] and f[6] ~= '' then
  redis.call('PUBLISH', ARGV[8],
    '{"id":' .. id .. ',"event":"remove","args":["remove",' .. cjson.encode(jtype) .. ']}')
end
return 1
