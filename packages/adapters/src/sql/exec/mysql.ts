// Layers (e) and (f) for MySQL and MariaDB: every guarded read runs in `START TRANSACTION READ
// ONLY` with a statement time limit and `sql_select_limit` (the row cap for a query without its
// own LIMIT). MariaDB scopes both to the one statement with `SET STATEMENT … FOR`; MySQL gets
// session variables (`max_execution_time`, ms) that are reset afterwards, because the pooled
// connection is shared with trusted `raw` users. mysql2 runs one statement per call (no
// multipleStatements). An abort runs KILL QUERY from another pooled connection.
import type { Knex } from 'knex';
import type { SqlDialect } from '../dialect.js';
import { driverCode, sqlError, sqlRefused, sqlTimeout } from '../errors.js';
import type { GuardedQuery } from '../guard/guard.js';
import type { ExecLimits, SelectResult } from './types.js';
import { withConnection } from './pool.js';
import { toObjects } from './types.js';

/** The slice of a mysql2 (callback API) connection this executor uses. */
export interface MysqlConnection {
  readonly threadId?: number | null;
  query(
    options: { sql: string; rowsAsArray?: boolean },
    callback: (err: Error | null, rows: unknown, fields?: { name: string }[]) => void,
  ): unknown;
}

const DIALECT: SqlDialect = 'mysql';
const TIMEOUT_CODES = new Set(['ER_STATEMENT_TIMEOUT', 'ER_QUERY_TIMEOUT', 'ER_QUERY_INTERRUPTED']);
// MariaDB's 1969 (statement time limit) has no name in mysql2's table: match errnos too.
const TIMEOUT_ERRNOS = new Set([1969, 3024, 1317]);

function isTimeout(err: unknown, code: string | undefined): boolean {
  if (code !== undefined && TIMEOUT_CODES.has(code)) return true;
  const errno =
    typeof err === 'object' && err !== null ? (err as { errno?: unknown }).errno : undefined;
  return typeof errno === 'number' && TIMEOUT_ERRNOS.has(errno);
}

function run(
  conn: MysqlConnection,
  sql: string,
  rowsAsArray = false,
): Promise<{ rows: unknown; fields: { name: string }[] }> {
  return new Promise((resolve, reject) => {
    conn.query({ sql, rowsAsArray }, (err, rows, fields) => {
      if (err) reject(err);
      else resolve({ rows, fields: fields ?? [] });
    });
  });
}

/** Whether the server is MariaDB (cached per knex instance). */
const flavours = new WeakMap<Knex, Promise<boolean>>();
async function isMariaDb(knex: Knex): Promise<boolean> {
  let flavour = flavours.get(knex);
  if (flavour === undefined) {
    flavour = knex.raw('SELECT VERSION() AS v').then((r: unknown) => {
      const rows = (r as [{ v?: unknown }[]])[0];
      const version = rows[0]?.v;
      return typeof version === 'string' && /mariadb/i.test(version);
    });
    flavours.set(knex, flavour);
  }
  return flavour;
}

/** Run a guarded query on MySQL / MariaDB. */
export async function runMysql(
  knex: Knex,
  query: GuardedQuery,
  limits: ExecLimits,
): Promise<SelectResult> {
  if (limits.signal?.aborted) throw sqlTimeout(DIALECT, limits.timeoutMs, { aborted: true });
  const mariadb = await isMariaDb(knex);
  return withConnection<MysqlConnection, SelectResult>(knex, (conn) =>
    runOn(knex, conn, mariadb, query, limits),
  );
}

async function runOn(
  knex: Knex,
  conn: MysqlConnection,
  mariadb: boolean,
  query: GuardedQuery,
  limits: ExecLimits,
): Promise<SelectResult> {
  let aborted = false;
  const onAbort = (): void => {
    aborted = true;
    if (typeof conn.threadId === 'number')
      knex.raw(`KILL QUERY ${Math.trunc(conn.threadId)}`).catch(() => undefined);
  };
  limits.signal?.addEventListener('abort', onAbort, { once: true });
  const timeoutMs = Math.max(1, Math.ceil(limits.timeoutMs));
  let open = false;
  let sessionSet = false;
  try {
    await run(conn, 'START TRANSACTION READ ONLY');
    open = true;
    let sql = query.sql;
    if (mariadb) {
      sql = `SET STATEMENT max_statement_time=${timeoutMs / 1000}, sql_select_limit=${query.fetchLimit} FOR ${sql}`;
    } else {
      sessionSet = true;
      await run(
        conn,
        `SET SESSION max_execution_time=${timeoutMs}, sql_select_limit=${query.fetchLimit}`,
      );
    }
    const result = await run(conn, sql, true);
    await run(conn, 'COMMIT');
    open = false;
    const columns = result.fields.map((f) => f.name);
    const all = Array.isArray(result.rows) ? (result.rows as unknown[][]) : [];
    const truncated = all.length > query.rowLimit;
    const kept = truncated ? all.slice(0, query.rowLimit) : all;
    return { columns, rows: toObjects(columns, kept), rowCount: kept.length, truncated };
  } catch (err) {
    if (open) await run(conn, 'ROLLBACK').catch(() => undefined);
    const code = driverCode(err);
    if (isTimeout(err, code))
      throw sqlTimeout(DIALECT, limits.timeoutMs, { driverCode: code, aborted }, err);
    if (code === 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION')
      throw sqlRefused('read-only', DIALECT, 'the READ ONLY transaction refused a write', {
        driverCode: code,
      });
    throw sqlError(DIALECT, err);
  } finally {
    limits.signal?.removeEventListener('abort', onAbort);
    if (sessionSet)
      await run(conn, 'SET SESSION max_execution_time=DEFAULT, sql_select_limit=DEFAULT').catch(
        () => undefined,
      );
  }
}
