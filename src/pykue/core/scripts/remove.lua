-- remove: delete a job, its log and every index entry; publish Kue's remove event.
-- KEYS[1] job hash  KEYS[2] log  KEYS[3] q:jobs  KEYS[4..8] q:jobs:<state> (five states)
-- KEYS[9..13] q:jobs:<type>:<state>  KEYS[14] q:pykue:leases  KEYS[15] q:pykue:owners
-- ARGV[1] id  ARGV[2] zid  ARGV[3] events channel  ARGV[4] the remove event message
-- (optional: built here when absent)
-- Returns the removed job's type, or false if there was no such job.
local zid = ARGV[2]
local jtype = redis.call('HGET', KEYS[1], 'type')
for i = 3, 13 do redis.call('ZREM', KEYS[i], zid) end
redis.call('ZREM', KEYS[14], zid)
redis.call('HDEL', KEYS[15], zid)
redis.call('DEL', KEYS[1], KEYS[2])
if not jtype then return false end
local message = ARGV[4] or ('{"id":' .. ARGV[1] .. ',"event":"remove","args":["remove",'
  .. cjson.encode(jtype) .. ']}')
redis.call('PUBLISH', ARGV[3], message)
return jtype
