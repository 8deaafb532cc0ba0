-- complete: handlers of one type succeeded; all of Kue's bookkeeping for a batch of jobs at once,
-- each job fenced by its own lease (a job whose lease was lost is skipped, the others written).
-- KEYS[1] q:jobs  KEYS[2] q:jobs:active  KEYS[3] q:jobs:<type>:active  KEYS[4] q:jobs:complete
-- KEYS[5] q:jobs:<type>:complete  KEYS[6] q:pykue:leases  KEYS[7] q:pykue:owners
-- KEYS[8] q:stats:work-time  KEYS[9] q:pykue:stats:completed  KEYS[10] q:pykue:history:complete
-- KEYS[11] q:pykue:stats:duration
-- then 2 per job i = 0, 1, ...: KEYS[12+2i] job hash  KEYS[13+2i] q:job:<id>:log
-- ARGV[1] events channel
-- then 9 per job i: ARGV[2+9i] id  ARGV[3+9i] zid  ARGV[4+9i] fencing token  ARGV[5+9i] workerId
-- ARGV[6+9i] now (ms)  ARGV[7+9i] duration (ms)  ARGV[8+9i] result JSON ('' = none)
-- ARGV[9+9i] minute (now // 60000)  ARGV[10+9i] the duration buckets this run counts in,
-- comma-separated ("250,500,...,+Inf": the histogram is cumulative)
-- Returns one entry per job: 1, or 0 if its lease was lost (the job was recovered or moved):
-- nothing is written for it. Index updates and counters of the batch are written with one
-- command per key (the counters added up).
local channel = ARGV[1]
local done, scored, removed = {}, {}, {}
-- Counters, added up over the batch: per type, per minute, per (type, bucket list).
local work, types, minutes, runs, spans = 0, {}, {}, {}, {}
local function push(list, ...)
  for _, v in ipairs({...}) do list[#list + 1] = v end
end
-- counts[name] is a total; counts[1..] lists the names in first-seen order (names are strings).
local function bump(counts, name, n)
  if counts[name] then
    counts[name] = counts[name] + n
  else
    counts[name] = n
    counts[#counts + 1] = name
  end
end

local function count(jtype, a, duration)
  work = work + duration
  bump(types, jtype, 1)
  bump(minutes, ARGV[a + 7], 1)
  bump(runs, jtype .. '\0' .. ARGV[a + 8], 1)
  bump(spans, jtype, duration)
end

local function write_counters()
  redis.call('INCRBY', KEYS[8], work)
  for _, jtype in ipairs(types) do
    local n = types[jtype]
    redis.call('HINCRBY', KEYS[9], jtype, n)
    redis.call('HINCRBY', KEYS[11], jtype .. '|sum', spans[jtype])
    redis.call('HINCRBY', KEYS[11], jtype .. '|count', n)
  end
  for _, minute in ipairs(minutes) do
    redis.call('HINCRBY', KEYS[10], minute, minutes[minute])
  end
  local buckets = {}
  for _, run in ipairs(runs) do
    local cut = string.find(run, '\0', 1, true)
    local jtype, n = string.sub(run, 1, cut - 1), runs[run]
    for le in string.gmatch(string.sub(run, cut + 1), '[^,]+') do
      bump(buckets, jtype .. '|' .. le, n)
    end
  end
  for _, field in ipairs(buckets) do
    redis.call('HINCRBY', KEYS[11], field, buckets[field])
  end
end

local function complete(job, log, a)
  local id, zid, token, now, duration = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 4],
    tonumber(ARGV[a + 5])
  local owner = redis.call('HGET', KEYS[7], zid)
  local f = redis.call('HMGET', job, 'state', 'workerId', 'priority', 'attempts',
    'max_attempts', 'removeOnComplete', 'type')
  if owner ~= token or f[1] ~= 'active' or f[2] ~= ARGV[a + 3] then
    if owner == token then push(done, zid) end
    return 0
  end
  local jtype, result = f[7], ARGV[a + 6]
  local made, max = tonumber(f[4]) or 0, tonumber(f[5])
  local fields = {'duration', duration, 'progress', 100, 'updated_at', now, 'state', 'complete'}
  if result ~= '' then
    fields[9], fields[10] = 'result', result
  else
    result = 'null'
  end
  if max and made < max then
    local n = #fields
    fields[n + 1], fields[n + 2] = 'attempts', made + 1
  end
  redis.call('HSET', job, unpack(fields))
  push(done, zid)
  push(scored, tonumber(f[3]) or 0, zid)
  count(jtype, a, duration)
  redis.call('PUBLISH', channel,
    '{"id":' .. id .. ',"event":"complete","args":["complete",' .. result .. ',null]}')
  if f[6] and f[6] ~= '' then
    push(removed, zid)
    redis.call('DEL', log, job)
    redis.call('PUBLISH', channel,
      '{"id":' .. id .. ',"event":"remove","args":["remove",' .. cjson.encode(jtype) .. ']}')
  end
  return 1
end

local out = {}
for i = 0, (#KEYS - 11) / 2 - 1 do
  out[i + 1] = complete(KEYS[12 + 2 * i], KEYS[13 + 2 * i], 2 + 9 * i)
end
if #done > 0 then
  redis.call('ZREM', KEYS[6], unpack(done))
  redis.call('HDEL', KEYS[7], unpack(done))
end
if #scored > 0 then
  local zids = {}
  for i = 2, #scored, 2 do zids[#zids + 1] = scored[i] end
  redis.call('ZREM', KEYS[2], unpack(zids))
  redis.call('ZREM', KEYS[3], unpack(zids))
  redis.call('ZADD', KEYS[4], unpack(scored))
  redis.call('ZADD', KEYS[5], unpack(scored))
end
if #removed > 0 then
  redis.call('ZREM', KEYS[4], unpack(removed))
  redis.call('ZREM', KEYS[5], unpack(removed))
  redis.call('ZREM', KEYS[1], unpack(removed))
end
if #types > 0 then write_counters() end
return out
