// The one error every capability refusal raises (code CAPABILITY_UNAVAILABLE), shared by the
// worker's real context and `createTestContext`, so a handler test fails the way production does.
import { ErrorCode } from '../errors/codes.js';
import { TroupeError } from '../errors/troupe-error.js';

/** Why a capability was refused (`data.reason` of CAPABILITY_UNAVAILABLE). */
export type CapabilityRefusal =
  'not-listed' | 'unknown-connection' | 'wrong-type' | 'not-configured' | 'unsupported';

/** A non-retryable CAPABILITY_UNAVAILABLE error; `name` is the connection, when there is one. */
export function capabilityUnavailable(
  capability: 'sql' | 'llm' | 'tools' | 'workspace',
  reason: CapabilityRefusal,
  message: string,
  name?: string,
): TroupeError {
  return new TroupeError(ErrorCode.CapabilityUnavailable, message, {
    retryable: false,
    data: { capability, reason, ...(name === undefined ? {} : { name }) },
  });
}
