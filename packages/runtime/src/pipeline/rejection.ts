// What a guard returns when a delivery must go to the dead-letter stream without (more) handler
// runs: the stable reason, the error that says why, and optional system events committed with it.
import { TroupeError, serializeError, type CloudEvent, type SerializedError } from '@troupe/core';
import type { DeadLetterReason } from '../transport/contract.js';

export interface Rejection {
  readonly reason: DeadLetterReason;
  readonly error: SerializedError;
  /** System events appended atomically with the dead letter (e.g. `troupe.loop.detected`). */
  readonly emissions?: readonly CloudEvent[];
}

/** A rejection carrying a non-retryable TroupeError with `code`, `message` and `data`. */
export function reject(
  reason: DeadLetterReason,
  code: string,
  message: string,
  data: Record<string, unknown>,
  emissions?: readonly CloudEvent[],
): Rejection {
  const error = serializeError(new TroupeError(code, message, { data, retryable: false }));
  return emissions ? { reason, error, emissions } : { reason, error };
}
