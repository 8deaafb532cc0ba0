-- fail: a job's attempt failed (exception, TTL); Kue's bookkeeping at once, fenced by the lease.
-- Retries go to delayed (with a backoff delay) or straight back to inactive (with a token).
-- KEYS[1] job hash  KEYS[2] q:job:<id>:log  KEYS[3] q:jobs:active  KEYS[4] q:jobs:<type>:active
-- KEYS[5] q:jobs:failed  KEYS[6] q:jobs:<type>:failed  KEYS[7] q:jobs:delayed
-- KEYS[8] q:jobs:<type>:delayed  KEYS[9] q:jobs:inactive  KEYS[10] q:jobs:<type>:inactive
-- KEYS[11] wake-up tokens q:<type>:jobs  KEYS[12] q:pykue:leases  KEYS[13] q:pykue:owners
-- KEYS[14] q:pykue:stats:failed  KEYS[15] q:pykue:history:failed
-- ARGV[1] id  ARGV[2] zid  ARGV[3] fencing token  ARGV[4] workerId  ARGV[5] now (ms)
-- ARGV[6] error text (stored)  ARGV[7] error text as JSON  ARGV[8] log line
-- ARGV[9] message as JSON  ARGV[10] retry delay in ms ('' = no backoff: retry at once)
-- ARGV[11] events channel  ARGV[12] minute (now // 60000)  ARGV[13] '1' = publish Kue's
-- "ttl exceeded ack"
-- Returns {outcome, attempts made}: outcome 0 = lease lost (nothing written), 1 = will be
-- retried, 2 = failed for good.
local id, zid, token, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[5])
local owner = redis.call('HGET', KEYS[13], zid)
local f = redis.call('HMGET', KEYS[1], 'state', 'workerId', 'priority', 'attempts',
  'max_attempts', 'type')
if owner ~= token or f[1] ~= 'active' or f[2] ~= ARGV[4] then
  if owner == token then
    redis.call('ZREM', KEYS[12], zid)
    redis.call('HDEL', KEYS[13], zid)
  end
  return {0, 0}
end
local priority, jtype, channel = tonumber(f[3]) or 0, f[6], ARGV[11]
local head = '{"id":' .. id .. ',"event":'
redis.call('HSET', KEYS[1], 'error', ARGV[6], 'failed_at', now, 'updated_at', now)
redis.call('RPUSH', KEYS[2], ARGV[8])
redis.call('PUBLISH', channel, head .. '"error","args":["error",' .. ARGV[7] .. ']}')
if ARGV[13] == '1' then
  redis.call('PUBLISH', channel, head .. '"ttl exceeded ack","args":["ttl exceeded ack"]}')
end
local made, max = tonumber(f[4]) or 0, tonumber(f[5])
if max and made < max then made = redis.call('HINCRBY', KEYS[1], 'attempts', 1) end
local remaining = 0
if max then remaining = max - made end
redis.call('ZREM', KEYS[3], zid)
redis.call('ZREM', KEYS[4], zid)
redis.call('ZREM', KEYS[12], zid)
redis.call('HDEL', KEYS[13], zid)
if remaining <= 0 then
  redis.call('HSET', KEYS[1], 'state', 'failed')
  redis.call('ZADD', KEYS[5], priority, zid)
  redis.call('ZADD', KEYS[6], priority, zid)
  redis.call('HINCRBY', KEYS[14], jtype, 1)
  redis.call('HINCRBY', KEYS[15], ARGV[12], 1)
  redis.call('PUBLISH', channel, head .. '"failed","args":["failed",' .. ARGV[9] .. ',null]}')
  return {2, made}
end
if ARGV[10] ~= '' then
  local delay = tonumber(ARGV[10])
  redis.call('HSET', KEYS[1], 'state', 'delayed', 'delay', delay, 'promote_at', now + delay)
  redis.call('ZADD', KEYS[7], now + delay, zid)
  redis.call('ZADD', KEYS[8], priority, zid)
else
  redis.call('HSET', KEYS[1], 'state', 'inactive')
  redis.call('ZADD', KEYS[9], priority, zid)
  redis.call('ZADD', KEYS[10], priority, zid)
  redis.call('LPUSH', KEYS[11], 1)
  redis.call('PUBLISH', channel,
    head .. '"enqueue","args":["enqueue",' .. cjson.encode(jtype) .. ']}')
end
redis.call('PUBLISH', channel,
  head .. '"failed attempt","args":["failed attempt",' .. ARGV[9] .. ',' .. made .. ']}')
return {1, made}
