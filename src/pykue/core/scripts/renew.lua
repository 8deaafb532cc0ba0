-- renew: a worker's heartbeat; extends the lease of every job it still owns.
-- KEYS[1] q:pykue:leases  KEYS[2] q:pykue:owners  KEYS[3] q:pykue:workers
-- ARGV[1] new lease deadline (ms)  ARGV[2] worker id  ARGV[3] now (ms)
-- ARGV[4..] zid, fencing token pairs of the jobs the worker holds
-- Returns the zids whose lease the worker has lost (recovered or moved by someone else).
local lost = {}
for i = 4, #ARGV, 2 do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]), ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
redis.call('ZADD', KEYS[3], tonumber(ARGV[3]), ARGV[2])
return lost
