-- unlock: give up the housekeeping leadership if the caller still holds it (compare-and-delete).
-- KEYS[1] q:pykue:leader
-- ARGV[1] the caller's token
-- Returns 1 if the lock was released, else 0.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
