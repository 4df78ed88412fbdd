// The SQL workspace store (knex): SQLite file as the embedded default (WAL, busy timeout),
// PostgreSQL supported. Every write is one autocommit statement: compare-and-set is a
// conditional write (`UPDATE … WHERE version = ?`, or an upsert) checked through RETURNING, and
// triggers keep the tag table in step (sql-schema.ts), so no lock is held across an `await`.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
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
  normalizeScope,
  prepareList,
  preparePut,
  prepareSearch,
  resolveWorkspaceStoreOptions,
  type PreparedPut,
} from './options.js';
import { buildQuery, rowsOf, type EntryRow, type SqlBinding } from './sql-query.js';
import {
  dialectOf,
  migrateWorkspaceSchema,
  sqlTables,
  type SqlDialect,
  type SqlTables,
} from './sql-schema.js';
import { updateEntry } from './update.js';

export interface SqlWorkspaceStoreOptions extends WorkspaceStoreOptions {
  /** SQLite file used when neither `knex` nor `config` is given. Default `.troupe/workspace.db` (from the cwd). */
  readonly filename?: string;
  /** knex configuration, e.g. `{ client: 'pg', connection, searchPath }`. The store owns the instance. */
  readonly config?: Knex.Config;
  /** An existing knex instance (better-sqlite3 or pg); `close()` leaves it open. */
  readonly knex?: Knex;
  /** Entry table name; tags live in `<table>_tags`. Default `troupe_workspace`. */
  readonly table?: string;
  /** SQLite busy timeout in ms (how long a writer waits for another's lock). Default 5,000. */
  readonly busyTimeoutMs?: number;
  /** Reads also delete expired rows at most this often, in ms; 0 turns it off. Default 60,000. */
  readonly purgeIntervalMs?: number;
}

export const SQL_WORKSPACE_DEFAULTS = {
  filename: '.troupe/workspace.db',
  table: 'troupe_workspace',
  busyTimeoutMs: 5000,
  purgeIntervalMs: 60_000,
} as const;

interface BetterSqliteConnection {
  pragma(source: string): unknown;
}

function nonNegativeInt(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw invalidArgument(field, `must be an integer >= 0, got ${String(value)}`);
  return value;
}

/** knex settings of the embedded SQLite default: WAL so readers never block the writer. */
function sqliteConfig(filename: string, busyTimeoutMs: number): Knex.Config {
  const file = filename === ':memory:' ? filename : resolve(filename);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return {
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      afterCreate(conn: BetterSqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        try {
          conn.pragma('journal_mode = WAL');
          conn.pragma(`busy_timeout = ${busyTimeoutMs}`);
          conn.pragma('synchronous = NORMAL');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  };
}

/** Open a SQL workspace store and run its migration. */
export async function createSqlWorkspaceStore(
  options: SqlWorkspaceStoreOptions = {},
): Promise<SqlWorkspaceStore> {
  const { maxValueBytes } = resolveWorkspaceStoreOptions(options);
  const tables = sqlTables(options.table ?? SQL_WORKSPACE_DEFAULTS.table);
  const busyTimeoutMs = nonNegativeInt(
    options.busyTimeoutMs ?? SQL_WORKSPACE_DEFAULTS.busyTimeoutMs,
    'options.busyTimeoutMs',
  );
  const purgeIntervalMs = nonNegativeInt(
    options.purgeIntervalMs ?? SQL_WORKSPACE_DEFAULTS.purgeIntervalMs,
    'options.purgeIntervalMs',
  );
  const owned = options.knex === undefined;
  const db =
    options.knex ??
    knexFactory(
      options.config ??
        sqliteConfig(options.filename ?? SQL_WORKSPACE_DEFAULTS.filename, busyTimeoutMs),
    );
  try {
    const dialect = dialectOf(db);
    await migrateWorkspaceSchema(db, dialect, tables);
    return new SqlWorkspaceStore(db, owned, dialect, tables, maxValueBytes, purgeIntervalMs);
  } catch (err) {
    if (owned) await db.destroy();
    throw err;
  }
}

interface WriteRow {
  version: number | string;
  created_at: number | string;
  created_by: string | null;
}

export class SqlWorkspaceStore implements WorkspaceStore {
  private closed = false;
  private lastPurge = Date.now();

  /** Use `createSqlWorkspaceStore`. */
  constructor(
    private readonly db: Knex,
    private readonly ownsDb: boolean,
    readonly dialect: SqlDialect,
    private readonly t: SqlTables,
    private readonly maxValueBytes: number,
    private readonly purgeIntervalMs: number,
  ) {}

  async put<T = unknown>(
    scope: WorkspaceScope,
    key: string,
    value: T,
    options: PutOptions = {},
  ): Promise<WorkspaceEntry<T>> {
    this.assertOpen();
    const p = preparePut(scope, key, value, options, this.maxValueBytes);
    const now = Date.now();
    const expiresAt = p.ttlMs === undefined ? null : now + p.ttlMs;
    const written = rowsOf<WriteRow>(
      await this.db.raw(...this.writeStatement(p, now, expiresAt)),
    )[0];
    if (!written)
      throw new WorkspaceConflictError(
        p.scope,
        p.key,
        p.ifVersion ?? 0,
        await this.currentVersion(p.scope, p.key),
      );
    return {
      scope: p.scope,
      key: p.key,
      value: JSON.parse(p.valueJson) as T,
      tags: p.tags,
      metadata: JSON.parse(p.metadataJson) as Record<string, unknown>,
      version: Number(written.version),
      createdAt: Number(written.created_at),
      updatedAt: now,
      ...(expiresAt === null ? {} : { expiresAt }),
      ...(written.created_by ? { createdBy: written.created_by } : {}),
    };
  }

  async get<T = unknown>(
    scope: WorkspaceScope,
    key: string,
  ): Promise<WorkspaceEntry<T> | undefined> {
    this.assertOpen();
    const s = normalizeScope(scope);
    checkKey(key);
    const rows = rowsOf<EntryRow>(
      await this.db.raw(
        `SELECT * FROM ${this.t.entries} WHERE scope = ? AND "key" = ? AND (expires_at IS NULL OR expires_at > ?)`,
        [s, key, Date.now()],
      ),
    );
    return rows[0] && (toEntry(rows[0]) as WorkspaceEntry<T>);
  }

  async list(scope: WorkspaceScope, options?: ListOptions): Promise<WorkspaceEntry[]> {
    this.assertOpen();
    return this.query(prepareList(scope, options));
  }

  async search(scope: WorkspaceScope, options?: SearchOptions): Promise<WorkspaceEntry[]> {
    this.assertOpen();
    return this.query(prepareSearch(scope, options));
  }

  async delete(scope: WorkspaceScope, key: string, options: DeleteOptions = {}): Promise<boolean> {
    this.assertOpen();
    const s = normalizeScope(scope);
    checkKey(key);
    const ifVersion = checkIfVersion(options.ifVersion);
    if (ifVersion === 0) {
      // "Delete only if absent": nothing to delete, or a conflict.
      const actual = await this.currentVersion(s, key);
      if (actual !== 0) throw new WorkspaceConflictError(s, key, 0, actual);
      return false;
    }
    const now = Date.now();
    const condition =
      ifVersion === undefined ? '' : ' AND version = ? AND (expires_at IS NULL OR expires_at > ?)';
    const rows = rowsOf<{ expires_at: number | string | null }>(
      await this.db.raw(
        `DELETE FROM ${this.t.entries} WHERE scope = ? AND "key" = ?${condition} RETURNING expires_at`,
        ifVersion === undefined ? [s, key] : [s, key, ifVersion, now],
      ),
    );
    const deleted = rows[0];
    const outcome =
      deleted === undefined
        ? ifVersion === undefined
          ? 'absent'
          : 'conflict'
        : deleted.expires_at === null || Number(deleted.expires_at) > now
          ? 'deleted'
          : 'absent';
    if (outcome === 'conflict')
      throw new WorkspaceConflictError(s, key, ifVersion!, await this.currentVersion(s, key));
    return outcome === 'deleted';
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
    const now = Date.now();
    this.lastPurge = now;
    // One statement; the delete trigger removes the tag rows with them.
    const gone = rowsOf<{ scope: string }>(
      await this.db.raw(
        `DELETE FROM ${this.t.entries} WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING scope`,
        [now],
      ),
    );
    return gone.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsDb) await this.db.destroy();
  }

  private assertOpen(): void {
    if (this.closed) throw storeClosed();
  }

  private async query(q: Parameters<typeof buildQuery>[2]): Promise<WorkspaceEntry[]> {
    const now = Date.now();
    if (this.purgeIntervalMs > 0 && now - this.lastPurge >= this.purgeIntervalMs)
      await this.purgeExpired();
    const [sql, bindings] = buildQuery(this.t, this.dialect, q, now);
    return rowsOf<EntryRow>(await this.db.raw(sql, bindings)).map(toEntry);
  }

  /** The live version of an entry, 0 when it is absent or expired (for conflict errors). */
  private async currentVersion(scope: string, key: string): Promise<number> {
    const rows = rowsOf<{ version: number | string }>(
      await this.db.raw(
        `SELECT version FROM ${this.t.entries} WHERE scope = ? AND "key" = ? AND (expires_at IS NULL OR expires_at > ?)`,
        [scope, key, Date.now()],
      ),
    );
    return rows[0] ? Number(rows[0].version) : 0;
  }

  /** The single conditional write of a put; returns no row when the compare-and-set lost. */
  private writeStatement(
    p: PreparedPut,
    now: number,
    expiresAt: number | null,
  ): [string, SqlBinding[]] {
    const e = this.t.entries;
    const insert = `INSERT INTO ${e} AS e (scope, "key", "value", tags, metadata, version, created_at, updated_at, expires_at, created_by)
      VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?) ON CONFLICT (scope, "key") DO UPDATE SET
      "value" = excluded."value", tags = excluded.tags, metadata = excluded.metadata,
      updated_at = excluded.updated_at, expires_at = excluded.expires_at`;
    const values = [
      p.scope,
      p.key,
      p.valueJson,
      p.tagsJson,
      p.metadataJson,
      now,
      now,
      expiresAt,
      p.createdBy ?? null,
    ];
    const expired = 'e.expires_at IS NOT NULL AND e.expires_at <= ?';
    const returning = ' RETURNING version, created_at, created_by';
    if (p.ifVersion === undefined)
      // Unconditional: bump a live row, restart an expired one as if new.
      return [
        `${insert}, version = CASE WHEN ${expired} THEN 1 ELSE e.version + 1 END,
        created_at = CASE WHEN ${expired} THEN excluded.created_at ELSE e.created_at END,
        created_by = CASE WHEN ${expired} THEN excluded.created_by ELSE e.created_by END${returning}`,
        [...values, now, now, now],
      ];
    if (p.ifVersion === 0)
      // Create only: the conflict branch may only replace an expired row.
      return [
        `${insert}, version = 1, created_at = excluded.created_at, created_by = excluded.created_by
        WHERE ${expired}${returning}`,
        [...values, now],
      ];
    return [
      `UPDATE ${e} SET "value" = ?, tags = ?, metadata = ?, updated_at = ?, expires_at = ?, version = version + 1
      WHERE scope = ? AND "key" = ? AND version = ? AND (expires_at IS NULL OR expires_at > ?)${returning}`,
      [p.valueJson, p.tagsJson, p.metadataJson, now, expiresAt, p.scope, p.key, p.ifVersion, now],
    ];
  }
}

function toEntry(row: EntryRow): WorkspaceEntry {
  return {
    scope: row.scope,
    key: row.key,
    value: JSON.parse(row.value) as unknown,
    tags: JSON.parse(row.tags) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    ...(row.expires_at === null ? {} : { expiresAt: Number(row.expires_at) }),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
  };
}
