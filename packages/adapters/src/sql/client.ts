// SqlClient: one database connection (a knex instance) with the guarded read path `select()`
// and the trusted `raw` knex for platform code. `select()` runs the static guard layers, then
// the dialect's executor (statement timeout, read-only transaction or handle). The default
// allowlist is every user table found by introspection, listed once and cached.
import { ErrorCode, TroupeError } from '@troupe/core';
import type { SqlConnectionSpec } from '@troupe/core';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import type { SqlConnectionOptions } from './connection.js';
import { knexConfigFor } from './connection.js';
import type { SqlDialect } from './dialect.js';
import { runMysql } from './exec/mysql.js';
import { runPostgres } from './exec/postgres.js';
import { withConnection } from './exec/pool.js';
import { runSqlite } from './exec/sqlite.js';
import type { SqliteDatabase } from './exec/sqlite.js';
import type { SelectResult } from './exec/types.js';
import { guardSelect } from './guard/guard.js';
import type { GuardedQuery } from './guard/guard.js';
import { checkRowLimit } from './guard/row-cap.js';
import { listUserTables } from './introspect/index.js';

/** Default row cap of `select()`. */
export const DEFAULT_ROW_LIMIT = 1000;
/** Default statement timeout of `select()`, in ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface SelectOptions {
  /** Aborts the query: PostgreSQL / MySQL cancel it server-side; SQLite checks between rows. */
  signal?: AbortSignal;
  /** Rows returned at most; more set `truncated`. Default: the client's rowLimit (1000). */
  rowLimit?: number;
  /** Statement timeout in ms. Default: the client's timeoutMs (30000). See exec/sqlite.ts for SQLite. */
  timeoutMs?: number;
}

export interface SqlClientOptions {
  /** Tables `select()` may read (`table` / `schema.table`). Default: all user tables. */
  allowTables?: readonly string[];
  /** Default row cap. Default 1000. */
  rowLimit?: number;
  /** Default statement timeout in ms. Default 30000. */
  timeoutMs?: number;
  /** The handle is read-only (SQLite opens the file read-only). Default false. */
  readOnly?: boolean;
}

/** A guarded SQL connection. */
export class SqlClient {
  readonly dialect: SqlDialect;
  /** The trusted knex instance: no guard. For platform code (introspection, archives), never for model output. */
  readonly raw: Knex;
  readonly readOnly: boolean;
  private readonly explicitAllow: readonly string[] | undefined;
  private defaultAllow: Promise<readonly string[]> | undefined;
  private readonly rowLimit: number;
  private readonly timeoutMs: number;

  constructor(raw: Knex, dialect: SqlDialect, options: SqlClientOptions = {}) {
    this.raw = raw;
    this.dialect = dialect;
    this.readOnly = options.readOnly ?? false;
    this.explicitAllow = options.allowTables;
    this.rowLimit = checkRowLimit(options.rowLimit ?? DEFAULT_ROW_LIMIT, 'rowLimit');
    this.timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  /** The allowlist in force: the explicit one, or every user table (`t` and `schema.t`). */
  async allowedTables(): Promise<readonly string[]> {
    if (this.explicitAllow !== undefined) return this.explicitAllow;
    this.defaultAllow ??= listUserTables(this).then((tables) =>
      tables.flatMap((t) => [t.name, `${t.schema}.${t.name}`]),
    );
    return this.defaultAllow.catch((err: unknown) => {
      this.defaultAllow = undefined;
      throw err;
    });
  }

  /** Run the static guard layers only (no database round trip but the allowlist's). */
  async guard(sql: string, options: Pick<SelectOptions, 'rowLimit'> = {}): Promise<GuardedQuery> {
    return guardSelect(sql, {
      dialect: this.dialect,
      allowTables: await this.allowedTables(),
      rowLimit: checkRowLimit(options.rowLimit ?? this.rowLimit),
    });
  }

  /** A guarded read. Throws SQL_REFUSED, SQL_TIMEOUT or SQL_ERROR (TroupeError). */
  async select(sql: string, options: SelectOptions = {}): Promise<SelectResult> {
    const query = await this.guard(sql, options);
    const limits = {
      timeoutMs: checkTimeout(options.timeoutMs ?? this.timeoutMs),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    switch (this.dialect) {
      case 'postgresql':
        return runPostgres(this.raw, query, limits);
      case 'mysql':
        return runMysql(this.raw, query, limits);
      case 'sqlite':
        return withConnection<SqliteDatabase, SelectResult>(this.raw, (db) =>
          runSqlite(db, query, limits),
        );
    }
  }

  /** Close the pool. */
  async close(): Promise<void> {
    await this.raw.destroy();
  }
}

function checkTimeout(timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `timeoutMs must be a number > 0, got ${timeoutMs}`,
      {
        data: { field: 'timeoutMs' },
        retryable: false,
      },
    );
  return timeoutMs;
}

/** Options of `createSqlConnection`: where files live and the client's defaults. */
export interface CreateSqlConnectionOptions
  extends SqlConnectionOptions, Omit<SqlClientOptions, 'allowTables' | 'readOnly'> {}

/** Create a guarded client from a `Connection` spec of type `sql`. Nothing connects until first use. */
export function createSqlConnection(
  spec: SqlConnectionSpec,
  options: CreateSqlConnectionOptions = {},
): SqlClient {
  const { dialect, config } = knexConfigFor(spec, options);
  const knex = knexFactory(config);
  return new SqlClient(knex, dialect, {
    ...(spec.allowTables === undefined ? {} : { allowTables: spec.allowTables }),
    readOnly: spec.readOnly === true,
    ...(options.rowLimit === undefined ? {} : { rowLimit: options.rowLimit }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}
