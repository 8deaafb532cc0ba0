-- leader: take or keep the housekeeping leadership (a lock that expires).
-- KEYS[1] q:pykue:leader
-- ARGV[1] this process's token  ARGV[2] lock time to live (ms)
-- Returns 1 if the caller is the leader now (lock taken or extended), else 0.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then return 1 end
return 0
