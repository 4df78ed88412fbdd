// The workspace store contract: the shared memory agents coordinate through (DESIGN.md §5,
// `ctx.workspace`). A workflow's agents contribute results under its correlation id (the scope),
// read every contribution, search by tags and text, and look back at earlier workflows. Two
// implementations (Redis; SQL via knex: SQLite embedded default, PostgreSQL) run one
// conformance suite (`conformance.ts`), so the semantics written here hold on both.
import type { WorkspaceItem } from '@troupe/core';

/** The reserved scope shared by every workflow. `{ global: true }` means the same. */
export const GLOBAL_SCOPE = 'global';

/** Pass to `search` to look in every scope. Not a valid scope for anything else. */
export const ALL_SCOPES = 'all-scopes';

/**
 * Where an entry lives. A string is a scope name, normally the workflow's correlation id;
 * `'global'` (= `GLOBAL_SCOPE`) or `{ global: true }` is the one scope shared by all workflows.
 * Scope names are 1..256 characters without control characters, `{` or `}`; `'all-scopes'` is
 * reserved for `search`.
 */
export type WorkspaceScope = string | { readonly global: true };

/**
 * One stored entry: the same shape handlers see as `WorkspaceItem` (`@troupe/core`). Timestamps are
 * epoch milliseconds of the store's clock; the scope is normalized (`'global'` for the global scope);
 * `version` is 1 on creation and +1 on every successful `put` (a deleted or expired entry starts
 * again at 1); tags are deduplicated in the order first given.
 */
export type WorkspaceEntry<T = unknown> = WorkspaceItem<T>;

export interface PutOptions {
  /** Tags to find the entry by (1..128 characters each, at most 64). Replaces earlier tags. Default none. */
  readonly tags?: readonly string[];
  /** Free-form JSON object stored beside the value. Replaces earlier metadata. Default `{}`. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /**
   * Time to live in milliseconds (integer >= 1): the entry disappears from every read after it.
   * Replaces an earlier TTL; without it the entry never expires. Default: no expiry.
   */
  readonly ttlMs?: number;
  /**
   * Compare-and-set: write only when the entry's current version equals this, else throw
   * `WorkspaceConflictError` (code `WORKSPACE_CONFLICT`). `0` means "only if the entry does not
   * exist". Default: write unconditionally.
   */
  readonly ifVersion?: number;
  /** Recorded as `createdBy` when this put creates the entry; ignored on later puts. */
  readonly createdBy?: string;
}

export interface DeleteOptions {
  /** Delete only when the current version equals this, else throw `WorkspaceConflictError`. */
  readonly ifVersion?: number;
}

export interface ListOptions {
  /** Only entries carrying every one of these tags. Default: no tag filter. */
  readonly tags?: readonly string[];
  /** Only keys starting with this string (case-sensitive). Default: every key. */
  readonly prefix?: string;
  /** At most this many entries (1..10,000). Default 1,000. */
  readonly limit?: number;
}

export interface SearchOptions {
  /**
   * Case-insensitive substring matched against the key and against the JSON text of the value
   * (an entry matches when either contains it). Case folding is ASCII-only on SQLite. Default: none.
   */
  readonly text?: string;
  /** Only entries carrying every one of these tags. Default: no tag filter. */
  readonly tags?: readonly string[];
  /** At most this many entries (1..10,000). Default 1,000. */
  readonly limit?: number;
}

export interface UpdateOptions {
  /** Conflicts retried before the conflict error is thrown. Default 100. */
  readonly retries?: number;
  /** Tags to write; default: keep the current entry's tags. */
  readonly tags?: readonly string[];
  /** Metadata to write; default: keep the current entry's metadata. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** New TTL; default: keep the current entry's remaining TTL (or none). */
  readonly ttlMs?: number;
  /** Recorded as `createdBy` when the update creates the entry. */
  readonly createdBy?: string;
  /** Called after each lost compare-and-set, before retrying (metrics, tests). */
  readonly onConflict?: (attempt: number) => void;
}

/**
 * Computes the next value from the current one (`undefined` when the entry does not exist). May
 * run several times under contention, so it must not have side effects.
 */
export type UpdateFn<T> = (
  current: T | undefined,
  entry: WorkspaceEntry<T> | undefined,
) => T | Promise<T>;

/**
 * The shared workspace. Every operation is atomic on one entry; no operation spans entries.
 * Reads never return expired entries. Values and metadata are JSON: `put` stores a JSON round
 * trip of what it receives, and refuses values over `maxValueBytes` (UTF-8 bytes of the JSON,
 * default 1 MiB) with code `PAYLOAD_TOO_LARGE`. Bad arguments throw code `INVALID_OPTION`
 * naming the field. Results of `list` and `search` are ordered by scope, then key (byte order).
 */
export interface WorkspaceStore {
  /** Create or replace an entry; returns it with its new version. */
  put<T = unknown>(
    scope: WorkspaceScope,
    key: string,
    value: T,
    options?: PutOptions,
  ): Promise<WorkspaceEntry<T>>;
  /** The entry, or `undefined` when it does not exist or has expired. */
  get<T = unknown>(scope: WorkspaceScope, key: string): Promise<WorkspaceEntry<T> | undefined>;
  /** Entries of one scope, filtered by tags (all must match) and key prefix. */
  list(scope: WorkspaceScope, options?: ListOptions): Promise<WorkspaceEntry[]>;
  /** Entries of one scope, or of every scope with `ALL_SCOPES`, matching text and tags. */
  search(scope: WorkspaceScope, options?: SearchOptions): Promise<WorkspaceEntry[]>;
  /** Remove an entry; true when it existed. */
  delete(scope: WorkspaceScope, key: string, options?: DeleteOptions): Promise<boolean>;
  /**
   * Read, compute with `fn`, compare-and-set; on a conflict re-read and retry (up to
   * `retries`). Concurrent updaters on any number of store instances lose no update.
   */
  update<T = unknown>(
    scope: WorkspaceScope,
    key: string,
    fn: UpdateFn<T>,
    options?: UpdateOptions,
  ): Promise<WorkspaceEntry<T>>;
  /** Remove expired entries and their index rows now (reads already hide them); returns how many. */
  purgeExpired(): Promise<number>;
  /** Release connections the store opened itself. Further calls fail. Idempotent. */
  close(): Promise<void>;
}

/** Options every implementation accepts. */
export interface WorkspaceStoreOptions {
  /** Largest value (and largest metadata), in UTF-8 bytes of its JSON. Default 1 MiB. */
  readonly maxValueBytes?: number;
}
