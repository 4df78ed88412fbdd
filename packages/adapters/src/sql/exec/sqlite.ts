// Layers (e) and (f) for SQLite through better-sqlite3. Last safety net: the statement must be
// read-only by SQLite's own judgement (`stmt.readonly`, from the compiled program) before a
// single step runs, and the handle itself is opened read-only when the connection says so.
// The row cap is also enforced by the cursor: stepping stops after rowLimit+1 rows.
//
// Timeouts, honestly: better-sqlite3 is synchronous and exposes no progress handler, so one long
// step (a `count(*)` over a runaway recursive CTE) cannot be interrupted from this thread. The
// deadline is checked between rows only; the real bound is the runtime's handler timeout, which
// terminates the worker thread running the handler (and with it the query).
import type { SqlDialect } from '../dialect.js';
import { sqlError, sqlRefused, sqlTimeout } from '../errors.js';
import type { GuardedQuery } from '../guard/guard.js';
import type { ExecLimits, SelectResult } from './types.js';
import { toObjects } from './types.js';

/** The slice of better-sqlite3's Statement this executor uses. */
export interface SqliteStatement {
  readonly readonly: boolean;
  readonly reader: boolean;
  raw(toggle?: boolean): SqliteStatement;
  columns(): { name: string }[];
  iterate(...params: unknown[]): IterableIterator<unknown[]>;
}

/** The slice of better-sqlite3's Database this executor uses. */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
}

const DIALECT: SqlDialect = 'sqlite';

/** Run a guarded query on a better-sqlite3 handle. */
export function runSqlite(
  db: SqliteDatabase,
  query: GuardedQuery,
  limits: ExecLimits,
): SelectResult {
  if (limits.signal?.aborted) throw sqlTimeout(DIALECT, limits.timeoutMs, { aborted: true });
  let stmt: SqliteStatement;
  try {
    stmt = db.prepare(query.sql);
  } catch (err) {
    throw sqlError(DIALECT, err);
  }
  if (!stmt.readonly)
    throw sqlRefused('read-only', DIALECT, 'SQLite reports that the statement would write');
  if (!stmt.reader) throw sqlRefused('read-only', DIALECT, 'the statement returns no rows');
  const deadline = Date.now() + limits.timeoutMs;
  const columns = stmt.columns().map((c) => c.name);
  const rows: unknown[][] = [];
  try {
    for (const row of stmt.raw(true).iterate()) {
      rows.push(row);
      if (rows.length >= query.fetchLimit) break;
      if (Date.now() > deadline) throw sqlTimeout(DIALECT, limits.timeoutMs);
      if (limits.signal?.aborted) throw sqlTimeout(DIALECT, limits.timeoutMs, { aborted: true });
    }
  } catch (err) {
    if (/readonly|read-only/i.test(err instanceof Error ? err.message : ''))
      throw sqlRefused('read-only', DIALECT, 'the read-only handle refused a write');
    throw sqlError(DIALECT, err);
  }
  const truncated = rows.length > query.rowLimit;
  const kept = truncated ? rows.slice(0, query.rowLimit) : rows;
  return { columns, rows: toObjects(columns, kept), rowCount: kept.length, truncated };
}
