-- log: append a line to a job's log (only while the job exists: never re-creates a removed job).
-- KEYS[1] job hash  KEYS[2] q:job:<id>:log
-- ARGV[1] line  ARGV[2] now (ms)
-- Returns the log's length, or false if the job does not exist.
if redis.call('HEXISTS', KEYS[1], 'type') == 0 then return false end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[2])
return redis.call('RPUSH', KEYS[2], ARGV[1])
