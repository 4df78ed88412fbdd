// What to do after a failed handler attempt: retry after a delay (the policy's backoff, or the
// handler's RetryAfterError delay) or dead-letter with a stable reason. The verdict itself is
// core's `decideRetry`, so the contract is one and the same on every transport (DESIGN.md §4).
import { ErrorCode, decideRetry, type RetryPolicy, type SerializedError } from '@troupe/core';
import type { DeadLetterReason } from '../transport/contract.js';

export type FailureDecision =
  | { readonly action: 'retry'; readonly delayMs: number }
  | { readonly action: 'dead-letter'; readonly reason: DeadLetterReason };

export function decideFailure(
  policy: RetryPolicy,
  attempt: number,
  error: SerializedError,
  random: () => number = Math.random,
): FailureDecision {
  const decision = decideRetry(policy, attempt, error, random);
  if (decision.retry) return { action: 'retry', delayMs: decision.delayMs };
  // Failures with a more precise reason than "non-retryable" keep it in the dead letter.
  if (error.code === ErrorCode.UndeclaredEmission)
    return { action: 'dead-letter', reason: 'undeclared-emission' };
  if (error.code === ErrorCode.HandlerLoad && !error.retryable)
    return { action: 'dead-letter', reason: 'handler-load' };
  return { action: 'dead-letter', reason: decision.reason };
}
