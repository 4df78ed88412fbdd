// Layers (e) and (f) for PostgreSQL: every guarded read runs in `BEGIN READ ONLY` with a
// transaction-local `statement_timeout`, on a pooled connection used directly (knex's raw()
// would rewrite `?` inside string literals), through the extended query protocol, which the
// server refuses to run more than one statement through. An abort cancels the running
// statement with pg_cancel_backend from another pooled connection.
import type { Knex } from 'knex';
import type { SqlDialect } from '../dialect.js';
import { driverCode, sqlError, sqlRefused, sqlTimeout } from '../errors.js';
import type { GuardedQuery } from '../guard/guard.js';
import type { ExecLimits, SelectResult } from './types.js';
import { withConnection } from './pool.js';
import { toObjects } from './types.js';

/** The slice of a `pg` Client this executor uses. */
export interface PgConnection {
  readonly processID?: number | null;
  query(config: {
    text: string;
    values?: unknown[];
    queryMode?: 'extended';
    rowMode?: 'array';
  }): Promise<{ rows: unknown[][]; fields: { name: string }[] }>;
}

const DIALECT: SqlDialect = 'postgresql';

/** Run a guarded query on PostgreSQL. */
export async function runPostgres(
  knex: Knex,
  query: GuardedQuery,
  limits: ExecLimits,
): Promise<SelectResult> {
  if (limits.signal?.aborted) throw sqlTimeout(DIALECT, limits.timeoutMs, { aborted: true });
  return withConnection<PgConnection, SelectResult>(knex, (conn) =>
    runOn(knex, conn, query, limits),
  );
}

async function runOn(
  knex: Knex,
  conn: PgConnection,
  query: GuardedQuery,
  limits: ExecLimits,
): Promise<SelectResult> {
  let aborted = false;
  const onAbort = (): void => {
    aborted = true;
    if (typeof conn.processID === 'number')
      knex.raw('SELECT pg_cancel_backend(?)', [conn.processID]).catch(() => undefined);
  };
  limits.signal?.addEventListener('abort', onAbort, { once: true });
  let open = false;
  try {
    await conn.query({ text: 'BEGIN READ ONLY' });
    open = true;
    await conn.query({
      text: "SELECT set_config('statement_timeout', $1, true)",
      values: [String(Math.max(1, Math.ceil(limits.timeoutMs)))],
    });
    const result = await conn.query({ text: query.sql, queryMode: 'extended', rowMode: 'array' });
    await conn.query({ text: 'COMMIT' });
    open = false;
    const columns = result.fields.map((f) => f.name);
    const truncated = result.rows.length > query.rowLimit;
    const kept = truncated ? result.rows.slice(0, query.rowLimit) : result.rows;
    return { columns, rows: toObjects(columns, kept), rowCount: kept.length, truncated };
  } catch (err) {
    if (open) await conn.query({ text: 'ROLLBACK' }).catch(() => undefined);
    const code = driverCode(err);
    if (code === '57014')
      throw sqlTimeout(DIALECT, limits.timeoutMs, { driverCode: code, aborted }, err);
    if (code === '25006')
      throw sqlRefused('read-only', DIALECT, 'the READ ONLY transaction refused a write', {
        driverCode: code,
      });
    throw sqlError(DIALECT, err);
  } finally {
    limits.signal?.removeEventListener('abort', onAbort);
  }
}
