-- set_state: move a job to another state, with every index updated at once.
-- KEYS[1] job hash  KEYS[2..6] q:jobs:<state> for inactive, active, complete, failed, delayed
-- KEYS[7..11] q:jobs:<type>:<state> in the same order   KEYS[12] wake-up tokens q:<type>:jobs
-- KEYS[13] q:pykue:leases   KEYS[14] q:pykue:owners
-- ARGV[1] id  ARGV[2] zid  ARGV[3] new state  ARGV[4] now (ms)  ARGV[5] events channel
-- ARGV[6] the enqueue event message, published when the job enters inactive (optional: built
--         here when absent)
-- ARGV[7] expected state (optional, '' = any): the job moves only if it is in this state
--         (retry a failed job, promote a delayed one)
-- Returns the old state ('' if none; the job moved if it differs from ARGV[3] and matches
-- ARGV[7] when given), or false if the job does not exist.
-- Unlike Kue, moving to the state a job is already in changes nothing (no second token), and
-- a job taken out of active loses its worker's lease, so that worker cannot complete it.
local order = {inactive = 0, active = 1, complete = 2, failed = 3, delayed = 4}
local zid, new, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
local fields = redis.call('HMGET', KEYS[1], 'type', 'state', 'priority', 'ttl', 'promote_at')
if not fields[1] then return false end
local old, priority = fields[2] or '', tonumber(fields[3]) or 0
local expected = ARGV[7] or ''
if old == new or (expected ~= '' and old ~= expected) then return old end
if order[old] then
  redis.call('ZREM', KEYS[2 + order[old]], zid)
  redis.call('ZREM', KEYS[7 + order[old]], zid)
end
redis.call('HSET', KEYS[1], 'state', new, 'updated_at', now)
local score = priority
if new == 'delayed' then
  score = tonumber(fields[5]) or now
elseif new == 'active' then
  local ttl = tonumber(fields[4]) or 0
  if ttl > 0 then score = now + ttl else score = -math.abs(priority) end
end
redis.call('ZADD', KEYS[2 + order[new]], score, zid)
redis.call('ZADD', KEYS[7 + order[new]], priority, zid)
if old == 'active' then
  redis.call('ZREM', KEYS[13], zid)
  redis.call('HDEL', KEYS[14], zid)
end
if new == 'inactive' then
  redis.call('LPUSH', KEYS[12], 1)
  local message = ARGV[6] or ('{"id":' .. ARGV[1] .. ',"event":"enqueue","args":["enqueue",'
    .. cjson.encode(fields[1]) .. ']}')
  redis.call('PUBLISH', ARGV[5], message)
end
return old
