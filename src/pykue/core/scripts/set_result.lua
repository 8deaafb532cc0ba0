-- set_result: store a job's result (JSON) without re-creating a removed job.
-- KEYS[1] job hash  q:job:<id>
-- ARGV[1] result JSON  ARGV[2] now (ms)
-- Returns 1, or false if the job does not exist (nothing is written then).
if redis.call('HEXISTS', KEYS[1], 'type') == 0 then return false end
redis.call('HSET', KEYS[1], 'result', ARGV[1], 'updated_at', ARGV[2])
return 1
