// nl2sql agent 4: QuerySuccess → ResultsReady { question, sql, columns, rows, schema }. It joins
// the result with the question (kept in the workspace by sql-agent under the correlation id; a
// question carried by directly published SQL is not seen here) and describes each column's type
// from its values, which is what the renderer chooses a chart by.
import { defineAgent } from '@troupe/core';
import { WS } from './lib/events.js';
import type { ColumnType, QuerySuccess } from './lib/events.js';

/** A year, year-month, date, date-time or year-quarter (`2026`, `2026-04`, `2026-Q2`…). */
const DATE = /^\d{4}(-(0[1-9]|1[0-2])(-\d{2}([T ][\d:.]+Z?)?)?|-Q[1-4])?$/;

/** The type of one column: the single type of its non-null values, else `string`. */
export function columnType(values: readonly unknown[]): ColumnType {
  const kinds = new Set<ColumnType>();
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') kinds.add('number');
    else if (typeof v === 'boolean') kinds.add('boolean');
    else if (typeof v === 'string' && DATE.test(v)) kinds.add('date');
    else kinds.add('string');
  }
  if (kinds.size === 0) return 'empty';
  return kinds.size === 1 ? [...kinds][0]! : 'string';
}

export default defineAgent<QuerySuccess>(async (event, ctx) => {
  const { sql, columns, rows, truncated } = event.data;
  const stored = await ctx.workspace.get<{ question: string }>(WS.question);
  ctx.emit('ResultsReady', {
    question: stored?.value.question ?? '',
    sql,
    columns,
    rows,
    schema: columns.map((name) => ({ name, type: columnType(rows.map((r) => r[name])) })),
    truncated,
  });
});
