// The in-memory coordination store: the embedded default and the test double. Values are kept
// as JSON text, so a caller can never mutate stored state through an object it still holds
// (the same copy semantics as Redis: a bug that relies on aliasing shows up here too).
/* eslint-disable @typescript-eslint/require-await -- async keeps the contract; nothing awaits here. */
import { ErrorCode, TroupeError } from '@troupe/core';
import type { CoordinationStore, StoredState } from './store.js';

interface Row {
  version: number;
  json: string;
  expiresAt: number;
}

/** Create the in-memory coordination store. `now` is injectable for TTL tests. */
export function createMemoryCoordinationStore(
  options: { now?: () => number } = {},
): CoordinationStore {
  return new MemoryCoordinationStore(options.now ?? Date.now);
}

class MemoryCoordinationStore implements CoordinationStore {
  readonly kind = 'memory' as const;
  readonly durable = false;
  private readonly rows = new Map<string, Row>();
  private readonly due = new Map<string, Map<string, number>>();
  private closed = false;

  constructor(private readonly now: () => number) {}

  private assertOpen(): void {
    if (this.closed)
      throw new TroupeError(ErrorCode.InvalidOption, 'coordination store is closed', {
        retryable: false,
        data: { field: 'store' },
      });
  }

  private row(scope: string, key: string): Row | undefined {
    const k = `${scope}\u0000${key}`;
    const row = this.rows.get(k);
    if (row && row.expiresAt <= this.now()) {
      this.rows.delete(k);
      return undefined;
    }
    return row;
  }

  async get<S>(scope: string, key: string): Promise<StoredState<S> | undefined> {
    this.assertOpen();
    const row = this.row(scope, key);
    return row ? { version: row.version, value: JSON.parse(row.json) as S } : undefined;
  }

  async set<S>(
    scope: string,
    key: string,
    value: S,
    expected: number,
    ttlMs?: number,
  ): Promise<number | undefined> {
    this.assertOpen();
    const current = this.row(scope, key)?.version ?? 0;
    if (current !== expected) return undefined;
    const version = current + 1;
    const expiresAt = ttlMs === undefined ? Infinity : this.now() + ttlMs;
    this.rows.set(`${scope}\u0000${key}`, { version, json: JSON.stringify(value), expiresAt });
    return version;
  }

  private dueOf(scope: string): Map<string, number> {
    let m = this.due.get(scope);
    if (!m) this.due.set(scope, (m = new Map<string, number>()));
    return m;
  }

  async schedule(scope: string, key: string, atMs: number): Promise<void> {
    this.assertOpen();
    this.dueOf(scope).set(key, atMs);
  }

  async unschedule(scope: string, key: string): Promise<void> {
    this.due.get(scope)?.delete(key);
  }

  async claimDue(scope: string, nowMs: number, leaseMs: number, limit: number): Promise<string[]> {
    this.assertOpen();
    const out: string[] = [];
    const m = this.due.get(scope);
    if (!m) return out;
    for (const [key, at] of m) {
      if (out.length >= limit) break;
      if (at > nowMs) continue;
      m.set(key, nowMs + leaseMs);
      out.push(key);
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
