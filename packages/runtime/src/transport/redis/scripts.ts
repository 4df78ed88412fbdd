// The Lua scripts of the Redis transport. Each settles a delivery atomically (a script runs
// like MULTI/EXEC, nothing interleaves) and, unlike MULTI, can first check the group's done
// marker: that is what keeps a zombie consumer from appending emissions twice (decision 0002).
// Time comes from the Redis clock (TIME) so every node schedules retries alike; done markers
// expire by Redis itself (PX).
// XACK runs through pcall: after a Redis restart lost the group (NOGROUP) the entry is not
// pending anywhere, so there is nothing to acknowledge and the rest must still happen.
import { createHash } from 'node:crypto';

const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function ack(stream, group, entry)
  redis.pcall('XACK', stream, group, entry)
end
local function append(from, argv)
  for i = from, #argv, 3 do
    redis.call('XADD', argv[i], '*', 'e', argv[i + 2], 'i', argv[i + 1])
  end
end
`;

// Done markers: one key per (group, event id), set with SET NX PX (check and mark in one
// command, expiry exact) — see keys.ts. A script that finds the marker set only acknowledges.
// Event entries carry `e` (the CloudEvent JSON) and `i` (its id, so the READ script finds the
// marker without decoding JSON; entries without `i` are decoded).

/**
 * commit. KEYS[1] source stream, KEYS[2] the input's done marker, KEYS[3] the correlation
 * count. ARGV: group, entryId, windowMs, budget ('' = not counted), budgetWindowMs, then
 * (streamKey, eventId, eventJson) triples. The emissions are counted against the correlation before
 * anything is appended; over the budget nothing is appended or acknowledged (the caller
 * dead-letters the entry). Returns { 1 committed | 0 duplicate | 2 over budget, count }.
 */
const COMMIT = `${PRELUDE}
local group, entry = ARGV[1], ARGV[2]
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3]) then
  ack(KEYS[1], group, entry)
  return { 0, 0 }
end
local n, total = (#ARGV - 5) / 3, 0
if ARGV[4] ~= '' and n > 0 then
  total = redis.call('INCRBY', KEYS[3], n)
  if total == n then redis.call('PEXPIRE', KEYS[3], ARGV[5]) end
  if total > tonumber(ARGV[4]) then
    redis.call('DEL', KEYS[2])
    return { 2, total }
  end
end
append(6, ARGV)
ack(KEYS[1], group, entry)
return { 1, total }
`;

/**
 * retry. KEYS[1] source stream, KEYS[2] retry ZSET, KEYS[3] done marker. ARGV: group, entryId,
 * delayMs, nextAttempt, eventJson. Returns 1 scheduled, 0 already done.
 */
const RETRY = `${PRELUDE}
local group, entry = ARGV[1], ARGV[2]
ack(KEYS[1], group, entry)
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local member = KEYS[1] .. '/' .. entry .. '/' .. ARGV[4] .. '\\n' .. ARGV[4] .. '\\n' .. ARGV[5]
redis.call('ZADD', KEYS[2], now_ms() + tonumber(ARGV[3]), member)
return 1
`;

/**
 * deadLetter. KEYS[1] source stream, KEYS[2] dead-letter stream, KEYS[3] done marker. ARGV:
 * group, entryId, windowMs, reason, agent, sourceStream, attempts, errorJson, eventJson,
 * failedAt, then (streamKey, eventId, eventJson) triples. Returns 1 dead-lettered, 0 already
 * done.
 */
const DEAD_LETTER = `${PRELUDE}
local group, entry = ARGV[1], ARGV[2]
ack(KEYS[1], group, entry)
if not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[3]) then return 0 end
redis.call('XADD', KEYS[2], '*', 'reason', ARGV[4], 'agent', ARGV[5], 'sourceStream', ARGV[6],
  'attempts', ARGV[7], 'error', ARGV[8], 'event', ARGV[9], 'failedAt', ARGV[10])
append(11, ARGV)
return 1
`;

/**
 * publish one event and count it against its correlation (the budget), atomically. KEYS[1]
 * stream, KEYS[2] correlation count. ARGV: eventJson, eventId, budgetWindowMs.
 */
const PUBLISH_COUNTED = `
redis.call('XADD', KEYS[1], '*', 'e', ARGV[1], 'i', ARGV[2])
if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return 1
`;

/**
 * read new entries without blocking and drop the ones this group already finished, in one
 * round trip (the fetch-time dedupe). KEYS: the group's streams. ARGV: group, consumer, count,
 * donePrefix. Returns false when nothing was read, else { XREADGROUP reply, flags } with one
 * flag per entry in reply order (1 = done before: acknowledged, skip it).
 */
const READ = `
local group, prefix = ARGV[1], ARGV[4]
local args = { 'GROUP', group, ARGV[2], 'COUNT', ARGV[3], 'STREAMS' }
for i = 1, #KEYS do args[#args + 1] = KEYS[i] end
for _ = 1, #KEYS do args[#args + 1] = '>' end
local r = redis.call('XREADGROUP', unpack(args))
if not r then return false end
local marks, where = {}, {}
for _, s in ipairs(r) do
  for _, e in ipairs(s[2]) do
    local f, id, json = e[2] or {}, nil, nil
    for i = 1, #f, 2 do
      if f[i] == 'i' then id = f[i + 1] elseif f[i] == 'e' then json = f[i + 1] end
    end
    if id == nil and json ~= nil then
      local ok, ev = pcall(cjson.decode, json)
      if ok and type(ev) == 'table' and type(ev.id) == 'string' then id = ev.id end
    end
    marks[#marks + 1] = prefix .. (id or '')
    where[#where + 1] = { s[1], e[1], id ~= nil }
  end
end
local done = redis.call('MGET', unpack(marks))
local flags = {}
for k, w in ipairs(where) do
  if w[3] and done[k] then
    redis.pcall('XACK', w[1], group, w[2])
    flags[k] = 1
  else
    flags[k] = 0
  end
end
return { r, flags }
`;

/**
 * promote due retries. KEYS[1] retry ZSET, KEYS[2] retry stream. ARGV: limit.
 * Returns { moved, msUntilNextDue or -1 }.
 */
const PROMOTE = `${PRELUDE}
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, m in ipairs(due) do
  local a = string.find(m, '\\n', 1, true)
  local b = string.find(m, '\\n', a + 1, true)
  redis.call('XADD', KEYS[2], '*', 'e', string.sub(m, b + 1), 'a', string.sub(m, a + 1, b - 1))
  redis.call('ZREM', KEYS[1], m)
end
local nxt = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = -1
if nxt[2] then wait = math.max(0, tonumber(nxt[2]) - now) end
return { #due, wait }
`;

/**
 * reclaim entries idle past the visibility timeout. KEYS[1] stream. ARGV: group, consumer,
 * minIdleMs, count. Loops the XAUTOCLAIM cursor (bounded). Entries whose stream entry was
 * trimmed are dropped from the PEL by XAUTOCLAIM itself (Redis 7). Returns
 * { {id, deliveries, fields}..., deletedIds }.
 */
const RECLAIM = `
local group, consumer, idle, want = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local cursor, claimed, deleted = '0-0', {}, {}
for _ = 1, 10 do
  local r = redis.call('XAUTOCLAIM', KEYS[1], group, consumer, idle, cursor, 'COUNT', want - #claimed)
  cursor = r[1]
  for _, e in ipairs(r[2]) do
    if e[2] then
      local p = redis.call('XPENDING', KEYS[1], group, e[1], e[1], 1)
      local n = 1
      if p[1] then n = p[1][4] end
      claimed[#claimed + 1] = { e[1], n, e[2] }
    end
  end
  for _, id in ipairs(r[3] or {}) do deleted[#deleted + 1] = id end
  if cursor == '0-0' or #claimed >= want then break end
end
return { claimed, deleted }
`;

/**
 * heartbeat: reset the idle time of entries this consumer still owns, without incrementing
 * their delivery counters (XCLAIM … JUSTID). Entries another consumer reclaimed are left alone.
 * KEYS[1] stream. ARGV: group, consumer, ids…
 */
const HEARTBEAT = `
local group, consumer, n = ARGV[1], ARGV[2], 0
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], group, ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == consumer then
    redis.call('XCLAIM', KEYS[1], group, consumer, 0, ARGV[i], 'JUSTID')
    n = n + 1
  end
end
return n
`;

/**
 * redrive dead letters to the group's retry stream (attempt restarts at 1) and clear their
 * done markers. KEYS[1] dlq, KEYS[2] retry stream. ARGV: donePrefix, ids… (none = all).
 */
const REDRIVE = `
local prefix = ARGV[1]
local entries = {}
if #ARGV > 1 then
  for i = 2, #ARGV do
    local r = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
    if r[1] then entries[#entries + 1] = r[1] end
  end
else
  entries = redis.call('XRANGE', KEYS[1], '-', '+')
end
for _, e in ipairs(entries) do
  local f, ev = e[2], nil
  for i = 1, #f, 2 do if f[i] == 'event' then ev = f[i + 1] end end
  if ev then
    local id = cjson.decode(ev).id
    redis.call('DEL', prefix .. id)
    redis.call('XADD', KEYS[2], '*', 'e', ev, 'a', '1', 'i', id)
  end
  redis.call('XDEL', KEYS[1], e[1])
end
return #entries
`;

/**
 * replay archived events to one group: clear their done markers and append them to the group's
 * retry stream as attempt 1. KEYS[1] retry stream. ARGV: donePrefix, then (eventId, eventJson)
 * pairs. Returns the number appended.
 */
const REPLAY = `
local prefix = ARGV[1]
local n = 0
for i = 2, #ARGV, 2 do
  redis.call('DEL', prefix .. ARGV[i])
  redis.call('XADD', KEYS[1], '*', 'e', ARGV[i + 1], 'a', '1', 'i', ARGV[i])
  n = n + 1
end
return n
`;

/**
 * trim one event stream (or a group's retry stream) below the oldest entry any group still needs: its oldest pending
 * entry, or the first entry after its last-delivered id; and below the oldest live trim floor
 * (archive watermarks, decision 0007). A stream without groups is trimmed below now − ARGV[2]
 * ms (the ungrouped retention; 0 = never) and the same floors (decision 0010). Consumers with
 * nothing pending that were idle longer than ARGV[1] ms are deleted; a consumer with pending
 * entries never is. Floors whose holder stopped refreshing them (expiry passed) are deleted
 * and ignored.
 * KEYS[1] stream, KEYS[2] trim-floor hash. Returns the number of entries trimmed.
 */
const TRIM = `${PRELUDE}
local idle_limit, retention = tonumber(ARGV[1]), tonumber(ARGV[2])
local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[1])
if not ok then return 0 end
if #groups == 0 and retention <= 0 then return 0 end
local function parse(id)
  local d = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, d - 1)), tonumber(string.sub(id, d + 1))
end
local function less(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am < bm or (am == bm and as < bs)
end
local now = now_ms()
local min = nil
if #groups == 0 then min = math.max(0, now - retention) .. '-0' end
for _, g in ipairs(groups) do
  local info = {}
  for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
  local floor
  if tonumber(info['pending']) > 0 then
    floor = redis.call('XPENDING', KEYS[1], info['name'], '-', '+', 1)[1][1]
  else
    local ms, seq = parse(info['last-delivered-id'])
    floor = ms .. '-' .. (seq + 1)
  end
  if min == nil or less(floor, min) then min = floor end
  local consumers = redis.call('XINFO', 'CONSUMERS', KEYS[1], info['name'])
  for _, c in ipairs(consumers) do
    local ci = {}
    for i = 1, #c, 2 do ci[c[i]] = c[i + 1] end
    if tonumber(ci['pending']) == 0 and tonumber(ci['idle']) > idle_limit then
      redis.call('XGROUP', 'DELCONSUMER', KEYS[1], info['name'], ci['name'])
    end
  end
end
local held = redis.call('HGETALL', KEYS[2])
for i = 1, #held, 2 do
  local v = held[i + 1]
  local c = string.find(v, ':', 1, true)
  local at, expires = nil, nil
  if c then at, expires = tonumber(string.sub(v, 1, c - 1)), tonumber(string.sub(v, c + 1)) end
  if at == nil or expires == nil or expires < now then
    redis.call('HDEL', KEYS[2], held[i])
  else
    local floor = math.max(0, math.floor(at)) .. '-0'
    if less(floor, min) then min = floor end
  end
end
return redis.call('XTRIM', KEYS[1], 'MINID', min)
`;

/**
 * hold trimming: set trim floors. KEYS[1] trim-floor hash. ARGV: ttlMs, then (holder, floorMs)
 * pairs; each field becomes `<floorMs>:<expiresAtMs>` (Redis clock). Returns the number set.
 */
const HOLD_TRIM = `${PRELUDE}
local expires = now_ms() + tonumber(ARGV[1])
local n = 0
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1] .. ':' .. expires)
  n = n + 1
end
return n
`;

export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

export const SCRIPTS = {
  commit: script('commit', COMMIT),
  retry: script('retry', RETRY),
  deadLetter: script('deadLetter', DEAD_LETTER),
  promote: script('promote', PROMOTE),
  reclaim: script('reclaim', RECLAIM),
  heartbeat: script('heartbeat', HEARTBEAT),
  redrive: script('redrive', REDRIVE),
  replay: script('replay', REPLAY),
  trim: script('trim', TRIM),
  read: script('read', READ),
  publishCounted: script('publishCounted', PUBLISH_COUNTED),
  holdTrim: script('holdTrim', HOLD_TRIM),
} as const;
