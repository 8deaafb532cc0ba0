-- reserve: take up to N of the best inactive jobs of one type and put each under a lease.
-- Step 1 of taking jobs (step 2 is activate.lua, for the batch, once the ids are known); a crash
-- between the two is repaired by lease recovery (recover.lua).
-- KEYS[1] q:jobs:<type>:inactive  KEYS[2] q:jobs:inactive  KEYS[3] q:jobs:active
-- KEYS[4] q:jobs:<type>:active    KEYS[5] wake-up tokens q:<type>:jobs
-- KEYS[6] q:pykue:leases          KEYS[7] q:pykue:owners   KEYS[8] q:pykue:paused
-- ARGV[1] at most this many jobs (<= 1000: the batch is unpacked on Lua's stack)
-- ARGV[2] tokens the caller already consumed (0 or 1)
-- ARGV[3] lease deadline (ms)     ARGV[4] fencing token of this reservation  ARGV[5] type
-- Returns {zid, priority, zid, priority, ...} in Kue's order (priority, then id), or false
-- when the type is paused for every pykue worker (a consumed token is then given back).
-- One wake-up token is removed per job taken (minus those consumed), so the token list keeps
-- matching the inactive set for Node Kue workers sharing the Redis.
local consumed = tonumber(ARGV[2])
if redis.call('SISMEMBER', KEYS[8], ARGV[5]) == 1 then
  if consumed > 0 then redis.call('LPUSH', KEYS[5], 1) end
  return false
end
local popped = redis.call('ZPOPMIN', KEYS[1], tonumber(ARGV[1]))
if #popped > 0 then
  local deadline, token = tonumber(ARGV[3]), ARGV[4]
  local zids, active, typed, leases, owners = {}, {}, {}, {}, {}
  for i = 1, #popped, 2 do
    local zid, priority = popped[i], tonumber(popped[i + 1])
    local n = #active
    zids[#zids + 1] = zid
    active[n + 1], active[n + 2] = -math.abs(priority), zid
    typed[n + 1], typed[n + 2] = priority, zid
    leases[n + 1], leases[n + 2] = deadline, zid
    owners[n + 1], owners[n + 2] = zid, token
  end
  redis.call('ZREM', KEYS[2], unpack(zids))
  redis.call('ZADD', KEYS[3], unpack(active))
  redis.call('ZADD', KEYS[4], unpack(typed))
  redis.call('ZADD', KEYS[6], unpack(leases))
  redis.call('HSET', KEYS[7], unpack(owners))
end
local extra = #popped / 2 - consumed
if extra > 0 then redis.call('LPOP', KEYS[5], extra) end
return popped
