-- renew: a worker's heartbeat; extends the lease of every job it still owns.
-- KEYS[1] q:pykue:leases  KEYS[2] q:pykue:owners  KEYS[3] q:pykue:workers
-- ARGV[1] new lease deadline (ms)  ARGV[2] worker id  ARGV[3] now (ms)
-- ARGV[4..] zid, fencing token pairs of the jobs the worker holds
-- Returns the zids now held under another token (the job was recovered and taken again).
-- A zid with no owner is skipped: the job was finished, released or recovered meanwhile.
local lost = {}
for i = 4, #ARGV, 2 do
  local owner = redis.call('HGET', KEYS[2], ARGV[i])
  if owner == ARGV[i + 1] then
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]), ARGV[i])
  elseif owner then
    lost[#lost + 1] = ARGV[i]
  end
end
redis.call('ZADD', KEYS[3], tonumber(ARGV[3]), ARGV[2])
return lost
