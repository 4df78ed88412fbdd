// nl2sql agent 2: runs generated SQL through the guarded read path. SQLGenerated → QuerySuccess
// { sql, columns, rows, rowCount, truncated } | QueryError { sql, code, message, kind? }. The
// guard refuses anything but one read-only SELECT before the database is touched (SQL_REFUSED);
// a database error keeps its kind (unknown-column, syntax…) so sql-repair can classify it.
// Other failures (connection lost) are thrown, so the agent's retry policy applies.
import { defineAgent, ErrorCode, isTroupeError } from '@troupe/core';
import { DEFAULTS } from './lib/events.js';
import type { Nl2SqlConfig, SQLGenerated } from './lib/events.js';
import { jsonRows } from './lib/json-rows.js';

/** Error codes that are an answer (QueryError), not a failure to retry. */
const ANSWERS: ReadonlySet<string> = new Set([
  ErrorCode.SqlRefused,
  ErrorCode.SqlError,
  ErrorCode.SqlTimeout,
]);

export default defineAgent<SQLGenerated, Nl2SqlConfig>(async (event, ctx) => {
  const sql = typeof event.data.sql === 'string' ? event.data.sql : '';
  const db = ctx.sql(ctx.config.warehouse ?? DEFAULTS.warehouse);
  try {
    const r = await db.select(sql, {
      signal: ctx.signal,
      rowLimit: ctx.config.rowLimit ?? DEFAULTS.rowLimit,
    });
    ctx.emit('QuerySuccess', {
      sql,
      columns: r.columns,
      rows: jsonRows(r.columns, r.rows),
      rowCount: r.rowCount,
      truncated: r.truncated,
    });
  } catch (err) {
    if (!isTroupeError(err) || !ANSWERS.has(err.code)) throw err;
    // A lost connection is retried, not answered.
    const kind = typeof err.data.kind === 'string' ? err.data.kind : undefined;
    if (err.code === ErrorCode.SqlError && kind === 'connection') throw err;
    ctx.log.info('query failed', { code: err.code, kind });
    ctx.emit('QueryError', {
      sql,
      code: err.code,
      message: err.message,
      ...(kind === undefined ? {} : { kind }),
    });
  }
});
