import { ErrorCode, createEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { checkBudget } from './budget.js';

function counter() {
  const counts = new Map<string, number>();
  return {
    countCorrelation: (id: string, n: number) => {
      const v = (counts.get(id) ?? 0) + n;
      counts.set(id, v);
      return Promise.resolve(v);
    },
  };
}

describe('checkBudget', () => {
  it('counts emissions per correlation and rejects past the budget; only the crossing announces', async () => {
    const transport = counter();
    const check = { transport, agent: 'a', nodeId: 'n', budget: 5 };
    const ev = createEvent({ type: 'T', data: {} });
    expect(await checkBudget(check, ev, 3)).toBeUndefined();
    expect(await checkBudget(check, ev, 2)).toBeUndefined();
    const r = (await checkBudget(check, ev, 2))!;
    expect(r.reason).toBe('budget');
    expect(r.error).toMatchObject({
      code: ErrorCode.BudgetExceeded,
      data: { correlationId: ev.correlationid, budget: 5 },
    });
    expect(r.emissions).toHaveLength(1);
    expect(r.emissions![0]).toMatchObject({
      type: 'troupe.budget.exceeded',
      correlationid: ev.correlationid,
      data: { agent: 'a', total: 7 },
    });
    const again = (await checkBudget(check, ev, 1))!;
    expect(again.reason).toBe('budget');
    expect(again.emissions).toEqual([]);
  });
  it('does not count when there is nothing to emit, and keeps correlations apart', async () => {
    const transport = counter();
    const check = { transport, agent: 'a', nodeId: 'n', budget: 1 };
    const a = createEvent({ type: 'T', data: {} });
    const b = createEvent({ type: 'T', data: {} });
    expect(await checkBudget(check, a, 0)).toBeUndefined();
    expect(await checkBudget(check, a, 1)).toBeUndefined();
    expect(await checkBudget(check, b, 1)).toBeUndefined();
    expect(await checkBudget(check, a, 1)).toBeDefined();
  });
});
