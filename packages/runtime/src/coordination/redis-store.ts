// The Redis coordination store: durable Aggregator / Saga state shared by every node. One hash
// per (scope, key) holding the version and the JSON state, one sorted set of deadlines per
// scope. Compare-and-set and claiming due deadlines are Lua scripts, so each is one atomic step:
//
//   <ns>:co:<scope>:<key>   HASH  v = version, s = state JSON (PEXPIRE = the write's ttlMs)
//   <ns>:codue:<scope>      ZSET  member = key, score = deadline (epoch ms; leased on claim)
import { createHash } from 'node:crypto';
import { ErrorCode, TroupeError, type Logger, silentLogger } from '@troupe/core';
import { connect, runScript, type RedisConnection } from '../transport/redis/connection.js';
import type { Script } from '../transport/redis/scripts.js';
import type { CoordinationStore, StoredState } from './store.js';

export interface RedisCoordinationStoreOptions {
  /** Redis URL. Default `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /** Key namespace, shared with the transport's. Default `troupe`. */
  readonly namespace?: string;
  /** Per-command timeout. Default 5,000 ms. */
  readonly commandTimeoutMs?: number;
  /** Connection warnings go here. Default: nowhere. */
  readonly logger?: Logger;
}

export const REDIS_COORDINATION_DEFAULTS = {
  url: 'redis://127.0.0.1:6379',
  namespace: 'troupe',
  commandTimeoutMs: 5000,
} as const;

function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** KEYS[1] hash. ARGV: expected version, state JSON, ttl ms ('' = keep forever). Returns the new version or -1. */
const SET = script(
  'coordination-set',
  `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then return -1 end
v = v + 1
redis.call('HSET', KEYS[1], 'v', v, 's', ARGV[2])
if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
return v
`,
);

/** KEYS[1] deadline ZSET. ARGV: now ms, lease ms, limit. Returns the claimed keys. */
const CLAIM = script(
  'coordination-claim',
  `
local now = tonumber(ARGV[1])
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, k in ipairs(keys) do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), k) end
return keys
`,
);

/** Connect to Redis and open the coordination store (it owns the connection). */
export async function createRedisCoordinationStore(
  options: RedisCoordinationStoreOptions = {},
): Promise<CoordinationStore> {
  const namespace = options.namespace ?? REDIS_COORDINATION_DEFAULTS.namespace;
  if (!/^[^\s{}]{1,64}$/.test(namespace))
    throw new TroupeError(
      ErrorCode.InvalidOption,
      'options.namespace must be 1..64 characters without whitespace, { or }',
      { retryable: false, data: { field: 'options.namespace' } },
    );
  const url = options.url ?? REDIS_COORDINATION_DEFAULTS.url;
  let conn: RedisConnection;
  try {
    conn = await connect({
      url,
      maxReconnectDelayMs: 2000,
      commandTimeoutMs: options.commandTimeoutMs ?? REDIS_COORDINATION_DEFAULTS.commandTimeoutMs,
      logger: options.logger ?? silentLogger,
      name: `troupe-${namespace}-coordination`,
    });
  } catch (err) {
    throw new TroupeError(
      ErrorCode.TransportUnavailable,
      `coordination store: cannot connect to ${url}: ${(err as Error).message}`,
      { cause: err, data: { url } },
    );
  }
  return new RedisCoordinationStore(conn, namespace);
}

class RedisCoordinationStore implements CoordinationStore {
  readonly kind = 'redis' as const;
  readonly durable = true;
  private closed = false;

  constructor(
    private readonly conn: RedisConnection,
    private readonly ns: string,
  ) {}

  private stateKey(scope: string, key: string): string {
    return `${this.ns}:co:${scope}:${key}`;
  }

  private dueKey(scope: string): string {
    return `${this.ns}:codue:${scope}`;
  }

  private async run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed)
      throw new TroupeError(ErrorCode.InvalidOption, 'coordination store is closed', {
        retryable: false,
        data: { field: 'store' },
      });
    try {
      return await fn();
    } catch (err) {
      if (err instanceof TroupeError) throw err;
      throw new TroupeError(
        ErrorCode.TransportUnavailable,
        `coordination store: ${op} failed: ${(err as Error).message}`,
        { cause: err, data: { op } },
      );
    }
  }

  get<S>(scope: string, key: string): Promise<StoredState<S> | undefined> {
    return this.run('get', async () => {
      const reply = (await this.conn.sendCommand([
        'HMGET',
        this.stateKey(scope, key),
        'v',
        's',
      ])) as (string | null)[];
      const [v, s] = reply;
      if (v === null || v === undefined || s === null || s === undefined) return undefined;
      return { version: Number(v), value: JSON.parse(s) as S };
    });
  }

  set<S>(
    scope: string,
    key: string,
    value: S,
    expected: number,
    ttlMs?: number,
  ): Promise<number | undefined> {
    return this.run('set', async () => {
      const ttl = ttlMs === undefined ? '' : String(Math.max(1, Math.ceil(ttlMs)));
      const r = Number(
        await runScript(
          this.conn,
          SET,
          [this.stateKey(scope, key)],
          [String(expected), JSON.stringify(value), ttl],
        ),
      );
      return r < 0 ? undefined : r;
    });
  }

  schedule(scope: string, key: string, atMs: number): Promise<void> {
    return this.run('schedule', async () => {
      await this.conn.sendCommand(['ZADD', this.dueKey(scope), String(Math.floor(atMs)), key]);
    });
  }

  unschedule(scope: string, key: string): Promise<void> {
    return this.run('unschedule', async () => {
      await this.conn.sendCommand(['ZREM', this.dueKey(scope), key]);
    });
  }

  claimDue(scope: string, nowMs: number, leaseMs: number, limit: number): Promise<string[]> {
    return this.run('claimDue', async () => {
      const r = await runScript(
        this.conn,
        CLAIM,
        [this.dueKey(scope)],
        [String(Math.floor(nowMs)), String(Math.ceil(leaseMs)), String(limit)],
      );
      return (r as string[]).map(String);
    });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.conn.destroy();
    }
    return Promise.resolve();
  }
}
