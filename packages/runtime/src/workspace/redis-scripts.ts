// The Lua scripts that make each Redis workspace operation atomic: compare-and-set put, delete
// and the expiry sweep keep the entry hash, the scope's key index, its tag sets, its expiry
// index and the scope registry consistent in one step. Timestamps come from Redis' own clock
// (TIME), so every node agrees on when an entry expires.
//
// Key layout, `sp` = `<ns>:ws:{<scope>}:` (the braces keep one scope in one cluster slot):
//   sp..'e:'..key   hash  v (value JSON), t (tags JSON), m (metadata JSON), ver, ca, ua, cb, x
//   sp..'keys'      zset  every key of the scope (score 0: lexicographic order, prefix ranges)
//   sp..'t:'..tag   set   keys carrying the tag
//   sp..'exp'       zset  key -> expiresAt, only entries with a TTL
//   sp..'xt'        hash  key -> tags JSON of TTL entries, to clean tag sets once the hash expired
//   <ns>:ws:scopes  zset  every scope holding at least one key
import { createHash } from 'node:crypto';

/** A script and its SHA1, for EVALSHA with an EVAL fallback. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const NOW = `
local tm = redis.call('TIME')
local now = tonumber(tm[1]) * 1000 + math.floor(tonumber(tm[2]) / 1000)
`;

// Untag `key` using the tags JSON `old` (false when unknown).
const UNTAG = `
local function untag(old, prefix, key)
  if old then
    for _, t in ipairs(cjson.decode(old)) do redis.call('SREM', prefix .. t, key) end
  end
end
`;

/**
 * KEYS: entry, keys, exp, xt, scopes.
 * ARGV: key, valueJson, tagsJson, metadataJson, ifVersion|'', ttlMs|'', createdBy|'', tagPrefix, scope.
 * Returns {0, currentVersion} on conflict, else {1, version, createdAt, updatedAt, createdBy, expiresAt|0}.
 */
export const PUT_SCRIPT = script(`${NOW}${UNTAG}
local e = KEYS[1]
local cur = redis.call('HMGET', e, 'ver', 't', 'ca', 'cb')
local curv = tonumber(cur[1]) or 0
if ARGV[5] ~= '' and tonumber(ARGV[5]) ~= curv then return {0, curv} end
untag(cur[2] or redis.call('HGET', KEYS[4], ARGV[1]), ARGV[8], ARGV[1])
local ver = curv + 1
local ca = now
local cb = ARGV[7]
if curv > 0 then
  ca = tonumber(cur[3]) or now
  cb = cur[4] or ''
end
redis.call('DEL', e)
redis.call('HSET', e, 'v', ARGV[2], 't', ARGV[3], 'm', ARGV[4], 'ver', string.format('%d', ver),
  'ca', string.format('%d', ca), 'ua', string.format('%d', now), 'cb', cb)
for _, t in ipairs(cjson.decode(ARGV[3])) do redis.call('SADD', ARGV[8] .. t, ARGV[1]) end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[5], 0, ARGV[9])
local exp = 0
if ARGV[6] ~= '' then
  exp = now + tonumber(ARGV[6])
  redis.call('HSET', e, 'x', string.format('%d', exp))
  redis.call('PEXPIREAT', e, exp)
  redis.call('ZADD', KEYS[3], exp, ARGV[1])
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
else
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('HDEL', KEYS[4], ARGV[1])
end
return {1, ver, ca, now, cb, exp}
`);

/**
 * KEYS: entry, keys, exp, xt, scopes.  ARGV: key, ifVersion|'', tagPrefix, scope.
 * Returns {0, currentVersion} on conflict, else {1, versionBefore} (0: there was nothing).
 */
export const DELETE_SCRIPT = script(`${UNTAG}
local e = KEYS[1]
local cur = redis.call('HMGET', e, 'ver', 't')
local curv = tonumber(cur[1]) or 0
if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= curv then return {0, curv} end
untag(cur[2] or redis.call('HGET', KEYS[4], ARGV[1]), ARGV[3], ARGV[1])
redis.call('DEL', e)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('ZREM', KEYS[5], ARGV[4]) end
return {1, curv}
`);

/**
 * Index cleanup for entries whose hash Redis has expired.
 * KEYS: keys, exp, xt, scopes.  ARGV: entryPrefix, tagPrefix, scope, max.
 * Returns how many expired entries were unindexed (at most `max`).
 */
export const SWEEP_SCRIPT = script(`${NOW}${UNTAG}
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
local n = 0
for _, k in ipairs(due) do
  if redis.call('EXISTS', ARGV[1] .. k) == 0 then
    untag(redis.call('HGET', KEYS[3], k), ARGV[2], k)
    redis.call('ZREM', KEYS[1], k)
    redis.call('ZREM', KEYS[2], k)
    redis.call('HDEL', KEYS[3], k)
    n = n + 1
  end
end
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('ZREM', KEYS[4], ARGV[3]) end
return n
`);
