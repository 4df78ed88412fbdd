// Failure outcomes the main thread writes itself, when no worker could report one: a handler
// that never settled, a worker that died, a pool that closed, a task that could not be sent.
import { ErrorCode, TroupeError, serializeError } from '@troupe/core';
import type { HandlerOutcome } from './contract.js';

function failure(err: TroupeError, durationMs: number, isolated: boolean): HandlerOutcome {
  const outcome = { ok: false as const, error: serializeError(err), logs: [], durationMs };
  return isolated ? { ...outcome, isolated } : outcome;
}

/** The handler did not settle within timeoutMs + grace; its worker was terminated. */
export function timeoutOutcome(
  timeoutMs: number,
  graceMs: number,
  durationMs: number,
  isolated: boolean,
): HandlerOutcome {
  const err = new TroupeError(
    ErrorCode.HandlerTimeout,
    `handler exceeded its timeout of ${timeoutMs} ms and did not settle within ${graceMs} ms after ctx.signal aborted; its worker thread was terminated`,
    { data: { timeoutMs } },
  );
  return failure(err, durationMs, isolated);
}

/** The handler module was still loading after loadTimeoutMs; its worker was terminated. */
export function loadTimeoutOutcome(
  loadTimeoutMs: number,
  durationMs: number,
  isolated: boolean,
): HandlerOutcome {
  const err = new TroupeError(
    ErrorCode.HandlerTimeout,
    `handler module did not finish loading within ${loadTimeoutMs} ms; its worker thread was terminated`,
    { data: { timeoutMs: loadTimeoutMs, phase: 'load' } },
  );
  return failure(err, durationMs, isolated);
}

/** The worker died running this invocation alone (exit, uncaught error, out of memory). */
export function crashOutcome(
  reason: string,
  errorCode: string | undefined,
  durationMs: number,
): HandlerOutcome {
  const err = new TroupeError(
    ErrorCode.WorkerCrashed,
    `the worker thread running this handler died: ${reason}`,
    {
      data: errorCode === undefined ? { reason } : { reason, errorCode },
    },
  );
  return failure(err, durationMs, true);
}

/** The pool closed (deadline passed or run() after close): the invocation did not run to the end. */
export function closedOutcome(): HandlerOutcome {
  const err = new TroupeError(
    ErrorCode.Timeout,
    'the worker pool closed before this invocation finished',
    {
      data: { closed: true },
    },
  );
  return failure(err, 0, false);
}

/** A task the pool refuses before running it (a bad field); not retryable. */
export function invalidTaskOutcome(field: string, message: string): HandlerOutcome {
  const err = new TroupeError(ErrorCode.InvalidOption, `${field} ${message}`, {
    data: { field },
    retryable: false,
  });
  return failure(err, 0, false);
}
