// Per-correlation budget against event storms. The transport counts a handler's emissions
// against their correlation id atomically with the commit and refuses the commit over the
// budget (`ConsumerOptions.correlationBudget`, one round trip, no separate count). This module
// turns a refused commit into the `budget` rejection: the input goes to the DLQ instead, and
// the commit that crossed the line also announces `troupe.budget.exceeded`.
import { ErrorCode, type CloudEvent } from '@troupe/core';
import type { OverBudgetData } from '../transport/over-budget.js';
import { reject, type Rejection } from './rejection.js';
import { SystemEventType, systemEvent } from './system-events.js';

export interface BudgetContext {
  readonly agent: string;
  readonly nodeId: string;
  readonly now?: () => number;
}

/**
 * The rejection of `input`, whose `emissions` emissions the transport refused as `over` the
 * budget. Only the commit whose count crossed the budget announces it (once per correlation).
 */
export function budgetRejection(
  ctx: BudgetContext,
  input: CloudEvent,
  emissions: number,
  over: OverBudgetData,
): Rejection {
  const { budget, total } = over;
  const crossing = total - emissions <= budget;
  const data = { agent: ctx.agent, correlationId: input.correlationid, budget, total };
  return reject(
    'budget',
    ErrorCode.BudgetExceeded,
    `correlation ${input.correlationid} reached ${total} events, over its budget of ${budget}; ${ctx.agent}'s emissions were dropped`,
    { correlationId: input.correlationid, budget },
    crossing ? [systemEvent(SystemEventType.BudgetExceeded, data, ctx.nodeId, input, ctx.now)] : [],
  );
}
