-- create: save a new job and put it in inactive (or delayed), as one atomic step.
-- KEYS[1] job hash        q:job:<id>
-- KEYS[2] all jobs        q:jobs
-- KEYS[3] job types       q:job:types
-- KEYS[4] state set       q:jobs:inactive | q:jobs:delayed
-- KEYS[5] type state set  q:jobs:<type>:inactive | q:jobs:<type>:delayed
-- KEYS[6] wake-up tokens  q:<type>:jobs
-- ARGV[1] id   ARGV[2] zid   ARGV[3] type   ARGV[4] priority   ARGV[5] state
-- ARGV[6] promote_at   ARGV[7] events channel ('' = do not publish)
-- ARGV[8] the enqueue event message (Kue's JSON, built by pykue.core.events)
-- ARGV[9..] hash field, value pairs (type first, state last)
-- Returns the id.
local id, zid, jtype, priority, state = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local fields = {}
for i = 9, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('SADD', KEYS[3], jtype)
redis.call('ZADD', KEYS[2], priority, zid)
if state == 'delayed' then
  redis.call('ZADD', KEYS[4], tonumber(ARGV[6]), zid)
else
  redis.call('ZADD', KEYS[4], priority, zid)
  redis.call('LPUSH', KEYS[6], 1)
end
redis.call('ZADD', KEYS[5], priority, zid)
if state == 'inactive' and ARGV[7] ~= '' then
  redis.call('PUBLISH', ARGV[7], ARGV[8])
end
return tonumber(id)
