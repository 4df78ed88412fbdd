// The Redis workspace store: one hash per entry plus per-scope indexes (see redis-scripts.ts
// for the key layout), writes as Lua scripts so compare-and-set, tags and TTL change together.
// Reads sweep the scope's expired entries out of the indexes first ("index cleanup on read").
// Every command goes through `sendCommand`, so any node-redis client (RESP2) can be passed in.
import { createClient } from 'redis';
import type {
  DeleteOptions,
  ListOptions,
  PutOptions,
  SearchOptions,
  UpdateFn,
  UpdateOptions,
  WorkspaceEntry,
  WorkspaceScope,
  WorkspaceStore,
  WorkspaceStoreOptions,
} from './contract.js';
import { WorkspaceConflictError, invalidArgument, storeClosed } from './errors.js';
import {
  checkIfVersion,
  checkKey,
  compareBytes,
  matchesText,
  normalizeScope,
  prepareList,
  preparePut,
  prepareSearch,
  resolveWorkspaceStoreOptions,
  type PreparedQuery,
} from './options.js';
import { DELETE_SCRIPT, PUT_SCRIPT, SWEEP_SCRIPT, type LuaScript } from './redis-scripts.js';
import { updateEntry } from './update.js';

/** The one method the store needs; a node-redis v6 client created with `RESP: 2` has it. */
export interface RedisCommandClient {
  sendCommand(args: ReadonlyArray<string | Buffer>): Promise<unknown>;
}

export interface RedisWorkspaceStoreOptions extends WorkspaceStoreOptions {
  /** Redis to connect to (the store owns and closes this connection). Default `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /** An already connected client (RESP2) to use instead of `url`; `close()` leaves it open. */
  readonly client?: RedisCommandClient;
  /** Key namespace: keys live under `<namespace>:ws:`. Default `troupe`. */
  readonly namespace?: string;
}

export const REDIS_WORKSPACE_DEFAULTS = {
  url: 'redis://127.0.0.1:6379',
  namespace: 'troupe',
} as const;

/** Keys fetched per round trip while listing; expired entries swept per script call. */
const PAGE = 256;
const SWEEP_BATCH = 1000;

type Reply = string | number | null | Reply[];

/** Open a Redis workspace store (connects when given a `url`). */
export async function createRedisWorkspaceStore(
  options: RedisWorkspaceStoreOptions = {},
): Promise<RedisWorkspaceStore> {
  const resolved = resolveWorkspaceStoreOptions(options);
  const namespace = options.namespace ?? REDIS_WORKSPACE_DEFAULTS.namespace;
  if (typeof namespace !== 'string' || !/^[^\s{}]{1,64}$/.test(namespace))
    throw invalidArgument(
      'options.namespace',
      'must be 1..64 characters without whitespace, { or }',
    );
  if (options.client)
    return new RedisWorkspaceStore(options.client, namespace, resolved.maxValueBytes, undefined);
  const client = createClient({ url: options.url ?? REDIS_WORKSPACE_DEFAULTS.url, RESP: 2 });
  client.on('error', () => {
    // Surfaced by the failing command; node-redis reconnects by itself.
  });
  await client.connect();
  return new RedisWorkspaceStore(client, namespace, resolved.maxValueBytes, () => client.close());
}

export class RedisWorkspaceStore implements WorkspaceStore {
  private closed = false;
  private readonly base: string;

  /** Use `createRedisWorkspaceStore`. */
  constructor(
    private readonly client: RedisCommandClient,
    namespace: string,
    private readonly maxValueBytes: number,
    private readonly closeClient: (() => Promise<void>) | undefined,
  ) {
    this.base = `${namespace}:ws:`;
  }

  async put<T = unknown>(
    scope: WorkspaceScope,
    key: string,
    value: T,
    options: PutOptions = {},
  ): Promise<WorkspaceEntry<T>> {
    this.assertOpen();
    const p = preparePut(scope, key, value, options, this.maxValueBytes);
    const k = this.keys(p.scope);
    const reply = (await this.eval(
      PUT_SCRIPT,
      [k.entry(p.key), k.index, k.exp, k.expTags, this.scopesKey],
      [
        p.key,
        p.valueJson,
        p.tagsJson,
        p.metadataJson,
        p.ifVersion === undefined ? '' : String(p.ifVersion),
        p.ttlMs === undefined ? '' : String(p.ttlMs),
        p.createdBy ?? '',
        k.tagPrefix,
        p.scope,
      ],
    )) as number[] & [number, number, number, number, string, number];
    if (reply[0] === 0)
      throw new WorkspaceConflictError(p.scope, p.key, p.ifVersion ?? 0, reply[1]);
    const [, version, createdAt, updatedAt, createdBy, expiresAt] = reply;
    return {
      scope: p.scope,
      key: p.key,
      value: JSON.parse(p.valueJson) as T,
      tags: p.tags,
      metadata: JSON.parse(p.metadataJson) as Record<string, unknown>,
      version: Number(version),
      createdAt: Number(createdAt),
      updatedAt: Number(updatedAt),
      ...(Number(expiresAt) > 0 ? { expiresAt: Number(expiresAt) } : {}),
      ...(createdBy ? { createdBy } : {}),
    };
  }

  async get<T = unknown>(
    scope: WorkspaceScope,
    key: string,
  ): Promise<WorkspaceEntry<T> | undefined> {
    this.assertOpen();
    const s = normalizeScope(scope);
    const raw = await this.fetch(s, checkKey(key));
    return raw && (raw.entry as WorkspaceEntry<T>);
  }

  async list(scope: WorkspaceScope, options?: ListOptions): Promise<WorkspaceEntry[]> {
    this.assertOpen();
    const q = prepareList(scope, options);
    const out: WorkspaceEntry[] = [];
    await this.collect(q.scope!, q, out);
    return out;
  }

  async search(scope: WorkspaceScope, options?: SearchOptions): Promise<WorkspaceEntry[]> {
    this.assertOpen();
    const q = prepareSearch(scope, options);
    const out: WorkspaceEntry[] = [];
    if (q.scope !== undefined) {
      await this.collect(q.scope, q, out);
      return out;
    }
    for await (const scopes of this.lexPages(this.scopesKey, undefined)) {
      for (const s of scopes) {
        if (out.length >= q.limit) return out;
        await this.collect(s, q, out);
      }
    }
    return out;
  }

  async delete(scope: WorkspaceScope, key: string, options: DeleteOptions = {}): Promise<boolean> {
    this.assertOpen();
    const s = normalizeScope(scope);
    checkKey(key);
    const ifVersion = checkIfVersion(options.ifVersion);
    const k = this.keys(s);
    const reply = (await this.eval(
      DELETE_SCRIPT,
      [k.entry(key), k.index, k.exp, k.expTags, this.scopesKey],
      [key, ifVersion === undefined ? '' : String(ifVersion), k.tagPrefix, s],
    )) as [number, number];
    if (reply[0] === 0) throw new WorkspaceConflictError(s, key, ifVersion ?? 0, reply[1]);
    return reply[1] > 0;
  }

  update<T = unknown>(
    scope: WorkspaceScope,
    key: string,
    fn: UpdateFn<T>,
    options?: UpdateOptions,
  ): Promise<WorkspaceEntry<T>> {
    return updateEntry(this, scope, key, fn, options);
  }

  async purgeExpired(): Promise<number> {
    this.assertOpen();
    let total = 0;
    for await (const scopes of this.lexPages(this.scopesKey, undefined)) {
      for (const s of scopes) {
        for (;;) {
          const n = await this.sweep(s, SWEEP_BATCH);
          total += n;
          if (n < SWEEP_BATCH) break;
        }
      }
    }
    return total;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeClient?.();
  }

  private get scopesKey(): string {
    return `${this.base}scopes`;
  }

  private keys(scope: string) {
    const sp = `${this.base}{${scope}}:`;
    return {
      entry: (key: string) => `${sp}e:${key}`,
      entryPrefix: `${sp}e:`,
      index: `${sp}keys`,
      exp: `${sp}exp`,
      expTags: `${sp}xt`,
      tagPrefix: `${sp}t:`,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw storeClosed();
  }

  private async eval(s: LuaScript, keys: string[], args: string[]): Promise<Reply> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return (await this.client.sendCommand(['EVALSHA', s.sha, ...tail])) as Reply;
    } catch (err) {
      // First use, or Redis restarted and lost its script cache: send the source once.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return (await this.client.sendCommand(['EVAL', s.source, ...tail])) as Reply;
    }
  }

  private async sweep(scope: string, max: number): Promise<number> {
    const k = this.keys(scope);
    return Number(
      await this.eval(
        SWEEP_SCRIPT,
        [k.index, k.exp, k.expTags, this.scopesKey],
        [k.entryPrefix, k.tagPrefix, scope, String(max)],
      ),
    );
  }

  /** Read one entry; `valueJson` is kept for text matching. */
  private async fetch(
    scope: string,
    key: string,
  ): Promise<{ entry: WorkspaceEntry; valueJson: string } | undefined> {
    const h = toHash(await this.client.sendCommand(['HGETALL', this.keys(scope).entry(key)]));
    if (h.v === undefined || h.ver === undefined) return undefined;
    const expiresAt = Number(h.x ?? 0);
    return {
      valueJson: h.v,
      entry: {
        scope,
        key,
        value: JSON.parse(h.v) as unknown,
        tags: JSON.parse(h.t ?? '[]') as string[],
        metadata: JSON.parse(h.m ?? '{}') as Record<string, unknown>,
        version: Number(h.ver),
        createdAt: Number(h.ca),
        updatedAt: Number(h.ua),
        ...(expiresAt > 0 ? { expiresAt } : {}),
        ...(h.cb ? { createdBy: h.cb } : {}),
      },
    };
  }

  /** Append the scope's matching entries to `out`, in key order, until `q.limit`. */
  private async collect(scope: string, q: PreparedQuery, out: WorkspaceEntry[]): Promise<void> {
    await this.sweep(scope, SWEEP_BATCH);
    const k = this.keys(scope);
    const pages = q.tags.length > 0 ? this.taggedPages(scope, q) : this.lexPages(k.index, q.prefix);
    for await (const page of pages) {
      const fetched = await Promise.all(page.map((key) => this.fetch(scope, key)));
      for (const f of fetched) {
        if (!f || !matchesText(q.text, f.entry.key, f.valueJson)) continue;
        out.push(f.entry);
        if (out.length >= q.limit) return;
      }
    }
  }

  /** Members of a lexicographic zset (optionally under a prefix), a page at a time. */
  private async *lexPages(zset: string, prefix: string | undefined): AsyncGenerator<string[]> {
    let min: string | Buffer = prefix === undefined ? '-' : `[${prefix}`;
    // 0xFF never occurs in UTF-8, so `[prefix\xFF` is past every key starting with prefix.
    const max: string | Buffer =
      prefix === undefined ? '+' : Buffer.concat([Buffer.from(`[${prefix}`), Buffer.from([0xff])]);
    for (;;) {
      const page = (await this.client.sendCommand([
        'ZRANGEBYLEX',
        zset,
        min,
        max,
        'LIMIT',
        '0',
        String(PAGE),
      ])) as string[];
      if (page.length > 0) yield page;
      if (page.length < PAGE) return;
      min = `(${page[page.length - 1]!}`;
    }
  }

  /** Keys carrying every tag of `q` (and its prefix), sorted, a page at a time. */
  private async *taggedPages(scope: string, q: PreparedQuery): AsyncGenerator<string[]> {
    const k = this.keys(scope);
    const members = (await this.client.sendCommand([
      'SINTER',
      ...q.tags.map((t) => k.tagPrefix + t),
    ])) as string[];
    const keys = members
      .filter((m) => q.prefix === undefined || m.startsWith(q.prefix))
      .sort(compareBytes);
    for (let i = 0; i < keys.length; i += PAGE) yield keys.slice(i, i + PAGE);
  }
}

/** An HGETALL reply as a record: a flat array under RESP2; a map (object or Map) under RESP3. */
function toHash(reply: unknown): Record<string, string | undefined> {
  const h: Record<string, string | undefined> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) h[String(reply[i])] = String(reply[i + 1]);
  } else if (reply instanceof Map) {
    for (const [k, v] of reply as Map<unknown, unknown>) h[String(k)] = String(v);
  } else if (typeof reply === 'object' && reply !== null) {
    for (const [k, v] of Object.entries(reply)) h[k] = String(v);
  }
  return h;
}
