// Per-correlation budget against event storms: before a handler's emissions are committed, they
// are counted against their correlation id. Over the budget, the input goes to the DLQ
// (`budget`) instead; the commit that crosses the line also announces `troupe.budget.exceeded`.
import { ErrorCode, type CloudEvent } from '@troupe/core';
import type { Transport } from '../transport/contract.js';
import { reject, type Rejection } from './rejection.js';
import { SystemEventType, systemEvent } from './system-events.js';

export interface BudgetCheck {
  readonly transport: Pick<Transport, 'countCorrelation'>;
  readonly agent: string;
  readonly nodeId: string;
  /** Events allowed per correlation id. */
  readonly budget: number;
  readonly now?: () => number;
}

/** Count `emissions` against the input's correlation; a rejection when over the budget. */
export async function checkBudget(
  check: BudgetCheck,
  input: CloudEvent,
  emissions: number,
): Promise<Rejection | undefined> {
  if (emissions === 0) return undefined;
  const total = await check.transport.countCorrelation(input.correlationid, emissions);
  if (total <= check.budget) return undefined;
  const crossing = total - emissions <= check.budget;
  const data = {
    agent: check.agent,
    correlationId: input.correlationid,
    budget: check.budget,
    total,
  };
  return reject(
    'budget',
    ErrorCode.BudgetExceeded,
    `correlation ${input.correlationid} reached ${total} events, over its budget of ${check.budget}; ${check.agent}'s emissions were dropped`,
    { correlationId: input.correlationid, budget: check.budget },
    crossing
      ? [systemEvent(SystemEventType.BudgetExceeded, data, check.nodeId, input, check.now)]
      : [],
  );
}
