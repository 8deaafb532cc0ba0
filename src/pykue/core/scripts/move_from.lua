-- move_from: move a job to another state only if it is in the expected state (retry, promote).
-- KEYS[1] job hash  KEYS[2..6] q:jobs:<state> for inactive, active, complete, failed, delayed
-- KEYS[7..11] q:jobs:<type>:<state> in the same order   KEYS[12] wake-up tokens q:<type>:jobs
-- ARGV[1] id  ARGV[2] zid  ARGV[3] expected state  ARGV[4] new state  ARGV[5] now (ms)
-- ARGV[6] events channel
-- Returns the state the job was in (it moved only if that equals ARGV[3]), or false if the job
-- does not exist. The new state is never active (no lease to take over).
local order = {inactive = 0, active = 1, complete = 2, failed = 3, delayed = 4}
local id, zid, expected, new, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local fields = redis.call('HMGET', KEYS[1], 'type', 'state', 'priority', 'promote_at')
if not fields[1] then return false end
local old, priority = fields[2] or '', tonumber(fields[3]) or 0
if old ~= expected or old == new or not order[new] or new == 'active' then return old end
if order[old] then
  redis.call('ZREM', KEYS[2 + order[old]], zid)
  redis.call('ZREM', KEYS[7 + order[old]], zid)
end
redis.call('HSET', KEYS[1], 'state', new, 'updated_at', now)
local score = priority
if new == 'delayed' then score = tonumber(fields[4]) or now end
redis.call('ZADD', KEYS[2 + order[new]], score, zid)
redis.call('ZADD', KEYS[7 + order[new]], priority, zid)
if new == 'inactive' then
  redis.call('LPUSH', KEYS[12], 1)
  redis.call('PUBLISH', ARGV[6],
    '{"id":' .. id .. ',"event":"enqueue","args":["enqueue",' .. cjson.encode(fields[1]) .. ']}')
end
return old
