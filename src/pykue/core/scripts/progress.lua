-- progress: record a job's progress, refresh its TTL deadline, publish Kue's progress event.
-- KEYS[1] job hash  KEYS[2] q:jobs:active
-- ARGV[1] id  ARGV[2] zid  ARGV[3] percent  ARGV[4] progress_data JSON ('' = none)
-- ARGV[5] now (ms)  ARGV[6] events channel  ARGV[7] the progress event message
-- (optional: built here when absent)
-- Returns 1, or false if the job no longer exists (nothing is written then).
local fields = redis.call('HMGET', KEYS[1], 'type', 'state', 'ttl')
if not fields[1] then return false end
redis.call('HSET', KEYS[1], 'progress', ARGV[3], 'updated_at', ARGV[5])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'progress_data', ARGV[4]) end
local ttl = tonumber(fields[3]) or 0
if fields[2] == 'active' and ttl > 0 then
  redis.call('ZADD', KEYS[2], 'XX', tonumber(ARGV[5]) + ttl, ARGV[2])
end
local message = ARGV[7]
if not message then
  local data = 'null'
  if ARGV[4] ~= '' then data = ARGV[4] end
  message = '{"id":' .. ARGV[1] .. ',"event":"progress","args":["progress",' .. ARGV[3] .. ','
    .. data .. ']}'
end
redis.call('PUBLISH', ARGV[6], message)
return 1
