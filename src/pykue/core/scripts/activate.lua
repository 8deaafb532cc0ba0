-- activate: make the jobs of one reservation active (step 2 of taking jobs; step 1 is
-- reserve.lua), all in one call once their ids are known.
-- KEYS[1] q:jobs:active  KEYS[2] q:jobs:<type>:active  KEYS[3] q:pykue:leases
-- KEYS[4] q:pykue:owners  KEYS[5..] the job hashes, one per job, in the order of ARGV's jobs
-- ARGV[1] fencing token  ARGV[2] now (ms)  ARGV[3] events channel
-- then 3 per job i = 0, 1, ...: ARGV[4+3i] id  ARGV[5+3i] zid  ARGV[6+3i] workerId
-- Returns one entry per job: the job hash as it was BEFORE activation, {field, value, ...}
-- (the caller applies state=active, started_at=now, workerId, updated_at=now itself), or false
-- if the reservation is no longer this caller's, or the job was removed or moved meanwhile (its
-- leftover index entries are cleaned).
local token, now, channel = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local out = {}
for i = 0, #KEYS - 5 do
  local key, id, zid, worker = KEYS[5 + i], ARGV[4 + 3 * i], ARGV[5 + 3 * i], ARGV[6 + 3 * i]
  local reply = false
  if redis.call('HGET', KEYS[4], zid) == token then
    local hash = redis.call('HGETALL', key)
    local jtype, state, ttl
    for j = 1, #hash, 2 do
      local field = hash[j]
      if field == 'type' then jtype = hash[j + 1]
      elseif field == 'state' then state = hash[j + 1]
      elseif field == 'ttl' then ttl = hash[j + 1] end
    end
    if not jtype or state ~= 'inactive' then
      if state ~= 'active' then
        redis.call('ZREM', KEYS[1], zid)
        redis.call('ZREM', KEYS[2], zid)
      end
      redis.call('ZREM', KEYS[3], zid)
      redis.call('HDEL', KEYS[4], zid)
    else
      redis.call('HSET', key, 'state', 'active', 'started_at', now, 'workerId', worker,
        'updated_at', now)
      ttl = tonumber(ttl) or 0
      if ttl > 0 then redis.call('ZADD', KEYS[1], now + ttl, zid) end
      redis.call('PUBLISH', channel,
        '{"id":' .. id .. ',"event":"start","args":["start",' .. cjson.encode(jtype) .. ',null]}')
      reply = hash
    end
  end
  out[i + 1] = reply
end
return out
