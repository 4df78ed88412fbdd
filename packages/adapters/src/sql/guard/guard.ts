// The guard's front door: layers (a)–(d) in order on one statement, producing the text the
// executor may run. Layers (e) statement timeout and (f) read-only transaction / handle live in
// the executors (`../exec/`), because they need a connection.
import type { SqlDialect } from '../dialect.js';
import { checkFunctions } from './functions.js';
import { parseSelect } from './parse.js';
import type { ParsedSelect } from './parse.js';
import { planRowCap } from './row-cap.js';
import type { RowCapPlan } from './row-cap.js';
import { checkTables } from './tables.js';

export interface GuardOptions {
  dialect: SqlDialect;
  /** `table` / `schema.table` entries the statement may read (exact, case-insensitive). */
  allowTables: readonly string[];
  /** Row cap; the executor fetches one more row to report `truncated`. */
  rowLimit: number;
}

/** A statement that passed every static layer, ready for an executor. */
export interface GuardedQuery extends RowCapPlan {
  dialect: SqlDialect;
  parsed: ParsedSelect;
}

/** Run layers (a) parse, (b) tables, (c) functions, (d) row cap. Throws SQL_REFUSED. */
export function guardSelect(sql: string, options: GuardOptions): GuardedQuery {
  const parsed = parseSelect(sql, options.dialect);
  checkTables(parsed, options.allowTables);
  checkFunctions(parsed);
  const plan = planRowCap(parsed, options.rowLimit);
  return { ...plan, dialect: options.dialect, parsed };
}
