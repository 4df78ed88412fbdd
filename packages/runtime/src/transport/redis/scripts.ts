// The Lua scripts of the Redis transport. Each settles a delivery atomically (a script runs
// like MULTI/EXEC, nothing interleaves) and, unlike MULTI, can first check the group's done
// marker: that is what keeps a zombie consumer from appending emissions twice (decision 0002).
// Time comes from the Redis clock (TIME) so every node buckets markers and retries alike.
// XACK runs through pcall: after a Redis restart lost the group (NOGROUP) the entry is not
// pending anywhere, so there is nothing to acknowledge and the rest must still happen.
import { createHash } from 'node:crypto';

const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function done_keys(prefix, window_s)
  local b = math.floor(now_ms() / 1000 / window_s)
  return prefix .. b, prefix .. (b - 1)
end
local function is_done(prefix, window_s, id)
  local cur, prev = done_keys(prefix, window_s)
  return redis.call('SISMEMBER', cur, id) == 1 or redis.call('SISMEMBER', prev, id) == 1
end
local function mark_done(prefix, window_s, id)
  local cur = done_keys(prefix, window_s)
  redis.call('SADD', cur, id)
  redis.call('EXPIRE', cur, window_s * 2 + 60)
end
local function ack(stream, group, entry)
  redis.pcall('XACK', stream, group, entry)
end
local function append(from, argv)
  for i = from, #argv, 2 do
    redis.call('XADD', argv[i], '*', 'e', argv[i + 1])
  end
end
`;

/**
 * commit. KEYS[1] source stream. ARGV: group, entryId, eventId, donePrefix, windowS, then
 * (streamKey, eventJson) pairs. Returns 1 committed, 0 duplicate.
 */
const COMMIT = `${PRELUDE}
local group, entry, id, prefix, w = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
ack(KEYS[1], group, entry)
if is_done(prefix, w, id) then return 0 end
append(6, ARGV)
mark_done(prefix, w, id)
return 1
`;

/**
 * retry. KEYS[1] source stream, KEYS[2] retry ZSET. ARGV: group, entryId, eventId, donePrefix,
 * windowS, delayMs, nextAttempt, eventJson. Returns 1 scheduled, 0 already done.
 */
const RETRY = `${PRELUDE}
local group, entry, id, prefix, w = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
ack(KEYS[1], group, entry)
if is_done(prefix, w, id) then return 0 end
local member = KEYS[1] .. '/' .. entry .. '/' .. ARGV[7] .. '\\n' .. ARGV[7] .. '\\n' .. ARGV[8]
redis.call('ZADD', KEYS[2], now_ms() + tonumber(ARGV[6]), member)
return 1
`;

/**
 * deadLetter. KEYS[1] source stream, KEYS[2] dead-letter stream. ARGV: group, entryId, eventId,
 * donePrefix, windowS, reason, agent, sourceStream, attempts, errorJson, eventJson, failedAt,
 * then (streamKey, eventJson) pairs. Returns 1 dead-lettered, 0 already done.
 */
const DEAD_LETTER = `${PRELUDE}
local group, entry, id, prefix, w = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
ack(KEYS[1], group, entry)
if is_done(prefix, w, id) then return 0 end
redis.call('XADD', KEYS[2], '*', 'reason', ARGV[6], 'agent', ARGV[7], 'sourceStream', ARGV[8],
  'attempts', ARGV[9], 'error', ARGV[10], 'event', ARGV[11], 'failedAt', ARGV[12])
append(13, ARGV)
mark_done(prefix, w, id)
return 1
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
 * done markers. KEYS[1] dlq, KEYS[2] retry stream. ARGV: donePrefix, windowS, ids… (none = all).
 */
const REDRIVE = `${PRELUDE}
local prefix, w = ARGV[1], tonumber(ARGV[2])
local entries = {}
if #ARGV > 2 then
  for i = 3, #ARGV do
    local r = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
    if r[1] then entries[#entries + 1] = r[1] end
  end
else
  entries = redis.call('XRANGE', KEYS[1], '-', '+')
end
local cur, prev = done_keys(prefix, w)
for _, e in ipairs(entries) do
  local f, ev = e[2], nil
  for i = 1, #f, 2 do if f[i] == 'event' then ev = f[i + 1] end end
  if ev then
    local id = cjson.decode(ev).id
    redis.call('SREM', cur, id)
    redis.call('SREM', prev, id)
    redis.call('XADD', KEYS[2], '*', 'e', ev, 'a', '1')
  end
  redis.call('XDEL', KEYS[1], e[1])
end
return #entries
`;

/**
 * replay archived events to one group: clear their done markers and append them to the group's
 * retry stream as attempt 1. KEYS[1] retry stream. ARGV: donePrefix, windowS, then
 * (eventId, eventJson) pairs. Returns the number appended.
 */
const REPLAY = `${PRELUDE}
local prefix, w = ARGV[1], tonumber(ARGV[2])
local cur, prev = done_keys(prefix, w)
local n = 0
for i = 3, #ARGV, 2 do
  redis.call('SREM', cur, ARGV[i])
  redis.call('SREM', prev, ARGV[i])
  redis.call('XADD', KEYS[1], '*', 'e', ARGV[i + 1], 'a', '1')
  n = n + 1
end
return n
`;

/**
 * trim one event stream below the oldest entry any group still needs: its oldest pending
 * entry, or the first entry after its last-delivered id; and below the oldest live trim floor
 * (archive watermarks, decision 0007). Consumers with nothing pending that were idle longer than
 * ARGV[1] ms are deleted; a consumer with pending entries never is. Floors whose holder stopped
 * refreshing them (expiry passed) are deleted and ignored.
 * KEYS[1] stream, KEYS[2] trim-floor hash. Returns the number of entries trimmed.
 */
const TRIM = `${PRELUDE}
local idle_limit = tonumber(ARGV[1])
local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[1])
if not ok or #groups == 0 then return 0 end
local function parse(id)
  local d = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, d - 1)), tonumber(string.sub(id, d + 1))
end
local function less(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am < bm or (am == bm and as < bs)
end
local min = nil
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
local now = now_ms()
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
  holdTrim: script('holdTrim', HOLD_TRIM),
} as const;

/**
 * dedupe a fetched batch: acknowledge entries whose event id the group already finished.
 * ARGV: donePrefix, windowS, then (streamKey, entryId, eventId) triples; group is ARGV[3].
 * Returns one flag per triple (1 = duplicate, acknowledged).
 */
const DEDUPE = `${PRELUDE}
local prefix, w, group = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local out = {}
for i = 4, #ARGV, 3 do
  if is_done(prefix, w, ARGV[i + 2]) then
    ack(ARGV[i], group, ARGV[i + 1])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
`;

export const DEDUPE_SCRIPT = script('dedupe', DEDUPE);
