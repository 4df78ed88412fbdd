import { ErrorCode, createEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { budgetRejection } from './budget.js';

describe('budgetRejection', () => {
  const ctx = { agent: 'a', nodeId: 'n' };
  const ev = createEvent({ type: 'T', data: {} });
  const over = (total: number) => ({ correlationId: ev.correlationid, budget: 5, total });

  it('rejects with reason budget; the commit that crossed the budget announces it', () => {
    const r = budgetRejection(ctx, ev, 2, over(7));
    expect(r.reason).toBe('budget');
    expect(r.error).toMatchObject({
      code: ErrorCode.BudgetExceeded,
      data: { correlationId: ev.correlationid, budget: 5 },
    });
    expect(r.emissions).toHaveLength(1);
    expect(r.emissions![0]).toMatchObject({
      type: 'troupe.budget.exceeded',
      correlationid: ev.correlationid,
      data: { agent: 'a', total: 7, budget: 5 },
    });
  });

  it('a later refusal (count already over before it) announces nothing', () => {
    expect(budgetRejection(ctx, ev, 1, over(7)).emissions).toEqual([]);
    expect(budgetRejection(ctx, ev, 2, over(8)).emissions).toEqual([]);
    expect(budgetRejection(ctx, ev, 3, over(8)).emissions).toHaveLength(1);
  });
});
