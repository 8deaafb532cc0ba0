-- set_priority: change a job's priority and every score that derives from it.
-- KEYS[1] job hash  KEYS[2] q:jobs  KEYS[3..7] q:jobs:<state> (inactive, active, complete,
-- failed, delayed)  KEYS[8..12] q:jobs:<type>:<state> in the same order
-- ARGV[1] zid  ARGV[2] priority  ARGV[3] now (ms)
-- Returns 1, or false if the job does not exist.
local order = {inactive = 0, active = 1, complete = 2, failed = 3, delayed = 4}
local zid, priority = ARGV[1], tonumber(ARGV[2])
local fields = redis.call('HMGET', KEYS[1], 'type', 'state', 'ttl')
if not fields[1] then return false end
redis.call('HSET', KEYS[1], 'priority', priority, 'updated_at', ARGV[3])
redis.call('ZADD', KEYS[2], priority, zid)
local slot = order[fields[2] or '']
if slot then
  redis.call('ZADD', KEYS[8 + slot], 'XX', priority, zid)
  local ttl = tonumber(fields[3]) or 0
  if fields[2] == 'active' then
    if ttl <= 0 then redis.call('ZADD', KEYS[3 + slot], 'XX', -math.abs(priority), zid) end
  elseif fields[2] ~= 'delayed' then
    redis.call('ZADD', KEYS[3 + slot], 'XX', priority, zid)
  end
end
return 1
