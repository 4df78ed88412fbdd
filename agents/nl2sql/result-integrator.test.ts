// result-integrator: the question comes from the workspace (empty when SQL was published
// directly), and each column's type is inferred from its values.
import { describe, expect, it } from 'vitest';
import { createMemoryWorkspace, runHandler } from '@troupe/core';
import { WS } from './lib/events.js';
import handler, { columnType } from './result-integrator.js';

const success = {
  sql: 'SELECT …',
  columns: ['month', 'revenue'],
  rows: [
    { month: '2026-01', revenue: 10.5 },
    { month: '2026-02', revenue: 11 },
  ],
  rowCount: 2,
  truncated: false,
};

describe('result-integrator', () => {
  it('joins the question from the workspace and describes the columns', async () => {
    const workspace = createMemoryWorkspace('c');
    await workspace.put(WS.question, { question: 'revenue by month' });
    const { emitted } = await runHandler(handler, {
      type: 'QuerySuccess',
      data: success,
      workspace,
      emits: ['ResultsReady'],
    });
    expect(emitted).toEqual([
      {
        type: 'ResultsReady',
        data: {
          question: 'revenue by month',
          sql: 'SELECT …',
          columns: ['month', 'revenue'],
          rows: success.rows,
          schema: [
            { name: 'month', type: 'date' },
            { name: 'revenue', type: 'number' },
          ],
          truncated: false,
        },
      },
    ]);
  });

  it('has an empty question when there is none', async () => {
    const { emitted } = await runHandler(handler, { type: 'QuerySuccess', data: success });
    expect((emitted[0]!.data as { question: string }).question).toBe('');
  });

  it.each([
    [[1, 2.5, null], 'number'],
    [['2026-01-02', '2026-01-03'], 'date'],
    [['2026-02', null], 'date'],
    [['2025', '2026'], 'date'],
    [['2026-Q1'], 'date'],
    [['2026-01-02T10:00:00.000Z'], 'date'],
    [['North', 'South'], 'string'],
    [['North', 3], 'string'],
    [[true, false], 'boolean'],
    [[null, undefined], 'empty'],
    [['2026-13'], 'string'],
  ])('columnType(%j) = %s', (values, type) => {
    expect(columnType(values)).toBe(type);
  });
});
