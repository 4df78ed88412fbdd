// The workspace's own errors: the lost compare-and-set (code WORKSPACE_CONFLICT) and the
// helpers that build the INVALID_OPTION / PAYLOAD_TOO_LARGE errors naming the bad field.
// Callers match on `code` (it survives worker threads), `isWorkspaceConflict` does that for them.
import { ErrorCode, TroupeError } from '@troupe/core';

/**
 * A compare-and-set lost: the entry's version was not `ifVersion`. Retryable: re-read and try
 * again (`WorkspaceStore.update` does). data: { scope, key, expectedVersion, actualVersion }.
 */
export class WorkspaceConflictError extends TroupeError {
  constructor(scope: string, key: string, expectedVersion: number, actualVersion: number) {
    super(
      ErrorCode.WorkspaceConflict,
      `workspace entry ${JSON.stringify(key)} in scope ${JSON.stringify(scope)} is at version ${actualVersion}, expected ${expectedVersion}`,
      { data: { scope, key, expectedVersion, actualVersion }, retryable: true },
    );
    this.name = 'WorkspaceConflictError';
  }
}

/** True for a lost compare-and-set, also after the error crossed a thread (matches the code). */
export function isWorkspaceConflict(err: unknown): err is TroupeError {
  return err instanceof TroupeError && err.code === ErrorCode.WorkspaceConflict;
}

/** A bad argument: names the field, never retried. */
export function invalidArgument(field: string, message: string): TroupeError {
  return new TroupeError(ErrorCode.InvalidOption, `${field} ${message}`, {
    data: { field },
    retryable: false,
  });
}

/** The store was used after `close()`. */
export function storeClosed(): TroupeError {
  return new TroupeError(ErrorCode.InvalidOption, 'workspace store is closed', {
    data: { field: 'store' },
    retryable: false,
  });
}
