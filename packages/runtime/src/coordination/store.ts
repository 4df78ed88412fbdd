// The coordination state store: where Aggregators and Sagas keep their per-correlation state and
// their durable deadlines. Two implementations (in-memory for the embedded default and tests,
// Redis for everything durable) share this contract and one test suite (store.cases.ts). Writes
// are compare-and-set on a version so two nodes handling the same correlation never lose an
// update; deadlines are claimed with a lease so only one node acts on a due deadline at a time.

/** A stored state with the version a compare-and-set must name. */
export interface StoredState<S> {
  /** 1 for the first write, +1 per write. */
  readonly version: number;
  readonly value: S;
}

export interface CoordinationStore {
  readonly kind: 'memory' | 'redis';
  /** Survives the process (Redis: yes; memory: no). */
  readonly durable: boolean;
  /** The state of `key` (a correlation id) in `scope` (e.g. `aggregator/review`), if any. */
  get<S>(scope: string, key: string): Promise<StoredState<S> | undefined>;
  /**
   * Write `value` when the stored version is `expected` (0: the key must not exist). Returns the
   * new version, or `undefined` when another writer got there first (reload and re-apply).
   * `ttlMs` bounds how long the state is kept after this write (default: forever).
   */
  set<S>(
    scope: string,
    key: string,
    value: S,
    expected: number,
    ttlMs?: number,
  ): Promise<number | undefined>;
  /** Set (or move) the durable deadline of `key` to `atMs` (epoch ms). */
  schedule(scope: string, key: string, atMs: number): Promise<void>;
  /** Drop the deadline of `key`, if any. */
  unschedule(scope: string, key: string): Promise<void>;
  /**
   * Up to `limit` keys whose deadline is at or before `nowMs`. Each returned key's deadline moves
   * to `nowMs + leaseMs` in the same step, so another node polling meanwhile does not get it; a
   * node that dies while handling it leaves it to be claimed again once the lease lapses.
   */
  claimDue(scope: string, nowMs: number, leaseMs: number, limit: number): Promise<string[]>;
  close(): Promise<void>;
}
