// The error every transport rejects a commit with when its emissions take the correlation's
// count over the consumer's `correlationBudget` (contract.ts, `Consumer.commit`). One shape, so
// the pipeline turns it into the `budget` dead letter the same way on every transport.
import { ErrorCode, TroupeError } from '@troupe/core';

export interface OverBudgetData {
  readonly correlationId: string;
  readonly budget: number;
  /** The correlation's count, the refused emissions included. */
  readonly total: number;
}

export function overBudgetError(data: OverBudgetData): TroupeError {
  return new TroupeError(
    ErrorCode.BudgetExceeded,
    `correlation ${data.correlationId} reached ${data.total} events, over its budget of ${data.budget}`,
    { retryable: false, data: { ...data } },
  );
}

/** The data of a commit refused for the budget, or undefined for any other error. */
export function overBudgetOf(err: unknown): OverBudgetData | undefined {
  if (!(err instanceof TroupeError) || err.code !== ErrorCode.BudgetExceeded) return undefined;
  const d = err.data as Partial<OverBudgetData> | undefined;
  return typeof d?.correlationId === 'string' &&
    typeof d.budget === 'number' &&
    typeof d.total === 'number'
    ? { correlationId: d.correlationId, budget: d.budget, total: d.total }
    : undefined;
}
