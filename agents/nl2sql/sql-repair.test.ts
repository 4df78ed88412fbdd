// sql-repair: fixable SQL_ERROR kinds go back to sql-agent with the error, twice per correlation
// at most (the third ends in SQLGenerationError); a re-delivered QueryError is not counted twice;
// refusals, timeouts, other kinds and SQL without a question are left as the final answer.
import { describe, expect, it } from 'vitest';
import { createEvent, createMemoryWorkspace, runHandler } from '@troupe/core';
import type { CloudEvent } from '@troupe/core';
import { WS } from './lib/events.js';
import type { QueryError } from './lib/events.js';
import handler, { isFixable } from './sql-repair.js';

const EMITS = ['SQLRepairRequested', 'SQLGenerationError'];
const unknownColumn: QueryError = {
  sql: 'SELECT nme FROM regions',
  code: 'SQL_ERROR',
  message: 'no such column: nme',
  kind: 'unknown-column',
};

async function withQuestion(): Promise<ReturnType<typeof createMemoryWorkspace>> {
  const ws = createMemoryWorkspace('corr');
  await ws.put(WS.question, { question: 'revenue by region' });
  return ws;
}

const errorEvent = (data: QueryError): CloudEvent<QueryError> =>
  createEvent({ type: 'QueryError', data, correlationId: 'corr' });

describe('sql-repair', () => {
  it('classifies', () => {
    expect(isFixable(unknownColumn)).toBe(true);
    expect(isFixable({ code: 'SQL_ERROR', kind: 'syntax' })).toBe(true);
    expect(isFixable({ code: 'SQL_ERROR', kind: 'unknown-table' })).toBe(true);
    expect(isFixable({ code: 'SQL_ERROR', kind: 'other' })).toBe(false);
    expect(isFixable({ code: 'SQL_ERROR' })).toBe(false);
    expect(isFixable({ code: 'SQL_REFUSED', kind: 'syntax' })).toBe(false);
    expect(isFixable({ code: 'SQL_TIMEOUT' })).toBe(false);
  });

  it('requests two repairs, then gives up with SQLGenerationError', async () => {
    const workspace = await withQuestion();
    const outcomes = [];
    for (let i = 0; i < 3; i++)
      outcomes.push(
        (await runHandler(handler, { event: errorEvent(unknownColumn), workspace, emits: EMITS }))
          .emitted,
      );
    expect(outcomes[0]).toEqual([
      {
        type: 'SQLRepairRequested',
        data: {
          question: 'revenue by region',
          sql: 'SELECT nme FROM regions',
          error: 'no such column: nme',
          code: 'SQL_ERROR',
          kind: 'unknown-column',
          attempt: 1,
        },
      },
    ]);
    expect(outcomes[1]).toMatchObject([{ type: 'SQLRepairRequested', data: { attempt: 2 } }]);
    expect(outcomes[2]).toEqual([
      {
        type: 'SQLGenerationError',
        data: {
          question: 'revenue by region',
          reason: 'gave up after 2 repairs: no such column: nme',
        },
      },
    ]);
  });

  it('honours config.maxRepairs', async () => {
    const workspace = await withQuestion();
    await runHandler(handler, {
      event: errorEvent(unknownColumn),
      workspace,
      config: { maxRepairs: 1 },
    });
    const second = await runHandler(handler, {
      event: errorEvent(unknownColumn),
      workspace,
      config: { maxRepairs: 1 },
    });
    expect(second.emitted[0]).toMatchObject({
      type: 'SQLGenerationError',
      data: { reason: /after 1 repair:/ },
    });
  });

  it('a re-delivered QueryError (same id) is not charged twice', async () => {
    const workspace = await withQuestion();
    const event = errorEvent(unknownColumn);
    const first = await runHandler(handler, { event, workspace });
    const again = await runHandler(handler, { event, workspace });
    expect(first.emitted).toEqual(again.emitted);
    expect((await workspace.get<{ count: number }>(WS.repairs))?.value.count).toBe(1);
  });

  it.each([
    { sql: 'DROP TABLE orders', code: 'SQL_REFUSED', message: 'refused' },
    { sql: 'WITH RECURSIVE …', code: 'SQL_TIMEOUT', message: 'timeout' },
    { sql: 'SELECT 1', code: 'SQL_ERROR', message: 'disk I/O error', kind: 'other' },
  ])('leaves $code ($message) as the final answer', async (data) => {
    const workspace = await withQuestion();
    const { emitted, error } = await runHandler(handler, { event: errorEvent(data), workspace });
    expect(error).toBeUndefined();
    expect(emitted).toEqual([]);
    expect(await workspace.get(WS.repairs)).toBeUndefined();
  });

  it('does nothing for SQL published without a question', async () => {
    const { emitted } = await runHandler(handler, {
      event: errorEvent(unknownColumn),
      workspace: createMemoryWorkspace('corr'),
    });
    expect(emitted).toEqual([]);
  });
});
