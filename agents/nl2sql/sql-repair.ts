// nl2sql agent 3: classifies QueryError. A fixable error (the database said: unknown column,
// unknown table, syntax) becomes SQLRepairRequested back to sql-agent with the error as context,
// at most `maxRepairs` (default 2) times per correlation id, counted in the workspace. Past the
// budget it ends the workflow with SQLGenerationError; a refusal, a timeout or any other error is
// already the final answer (QueryError is terminal) and needs nothing more. The count remembers
// which QueryError ids it charged, so a re-delivered event does not spend the budget twice.
import { defineAgent, ErrorCode } from '@troupe/core';
import { DEFAULTS, WS } from './lib/events.js';
import type { Nl2SqlConfig, QueryError } from './lib/events.js';

/** `data.kind` values of SQL_ERROR a new SQL can fix. */
export const FIXABLE_KINDS: ReadonlySet<string> = new Set([
  'unknown-column',
  'unknown-table',
  'syntax',
]);

interface RepairCount {
  count: number;
  seen: string[];
}

/** True when a better SQL could avoid this error. */
export function isFixable(error: Pick<QueryError, 'code' | 'kind'>): boolean {
  return (
    error.code === ErrorCode.SqlError && error.kind !== undefined && FIXABLE_KINDS.has(error.kind)
  );
}

export default defineAgent<QueryError, Nl2SqlConfig>(async (event, ctx) => {
  const error = event.data;
  if (!isFixable(error)) {
    ctx.log.info('not fixable: the QueryError is the answer', {
      code: error.code,
      kind: error.kind,
    });
    return;
  }
  const stored = await ctx.workspace.get<{ question: string }>(WS.question);
  const question = stored?.value.question;
  if (question === undefined || question === '') {
    // SQL published directly: there is no question to translate again.
    ctx.log.info('no question in this correlation: nothing to repair from');
    return;
  }
  const max = ctx.config.maxRepairs ?? DEFAULTS.maxRepairs;
  const entry = await ctx.workspace.update<RepairCount>(WS.repairs, (current) => {
    const c = current ?? { count: 0, seen: [] };
    return c.seen.includes(event.id) ? c : { count: c.count + 1, seen: [...c.seen, event.id] };
  });
  const attempt = entry.value.count;
  if (attempt > max) {
    ctx.emit('SQLGenerationError', {
      question,
      reason: `gave up after ${max} repair${max === 1 ? '' : 's'}: ${error.message}`,
    });
    return;
  }
  ctx.emit('SQLRepairRequested', {
    question,
    sql: error.sql,
    error: error.message,
    code: error.code,
    ...(error.kind === undefined ? {} : { kind: error.kind }),
    attempt,
  });
});
