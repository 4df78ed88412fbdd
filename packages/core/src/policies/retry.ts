// Retry policy as pure code (DESIGN.md §4): the exported defaults, one step that applies them and
// validates (every error names the field path), and `decideRetry`, the single place that says
// whether a failed attempt is retried and after how long. Randomness is injected so tests and
// every transport get identical, reproducible decisions.
import { ErrorCode } from '../errors/codes.js';
import { TroupeError, isTroupeError } from '../errors/troupe-error.js';
import type { BackoffKind, RetrySpec } from '../manifest/types.js';
import { checkKnownFields, invalidOption } from './validate.js';

/** A retry policy with every field resolved and validated. */
export interface RetryPolicy {
  /** Total attempts including the first (>= 1). */
  readonly attempts: number;
  /** How the delay grows between attempts. */
  readonly backoff: BackoffKind;
  /** Delay after the first failed attempt, in ms (>= 0). */
  readonly initialDelayMs: number;
  /** Cap on any computed delay, in ms (>= initialDelayMs). */
  readonly maxDelayMs: number;
  /** Fraction of the delay randomised, 0..1: the delay is spread over [d*(1-j), d*(1+j)]. */
  readonly jitter: number;
}

/** Defaults of `spec.retry`: 3 attempts, exponential from 200 ms up to 10 s, 20 % jitter. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  attempts: 3,
  backoff: 'exponential',
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  jitter: 0.2,
});

const BACKOFF_KINDS: readonly BackoffKind[] = ['exponential', 'fixed', 'linear'];
const RETRY_FIELDS = ['attempts', 'backoff', 'initialDelayMs', 'maxDelayMs', 'jitter'] as const;

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Apply the defaults to `spec` and validate the result. Throws `TroupeError` code
 * `INVALID_OPTION` (data `{ field }`) whose message names the field, e.g.
 * `spec.retry.attempts must be >= 1`.
 */
export function resolveRetryPolicy(spec?: RetrySpec, path = 'spec.retry'): RetryPolicy {
  if (spec !== undefined && (typeof spec !== 'object' || spec === null || Array.isArray(spec)))
    throw invalidOption(path, `${path} must be an object`);
  checkKnownFields(spec ?? {}, RETRY_FIELDS, path);
  const p = { ...DEFAULT_RETRY, ...stripUndefined(spec ?? {}) } as Record<string, unknown>;
  const f = (name: string): string => `${path}.${name}`;

  if (!isNumber(p.attempts) || !Number.isInteger(p.attempts))
    throw invalidOption(f('attempts'), `${f('attempts')} must be an integer`);
  if (p.attempts < 1) throw invalidOption(f('attempts'), `${f('attempts')} must be >= 1`);

  if (typeof p.backoff !== 'string' || !BACKOFF_KINDS.includes(p.backoff as BackoffKind))
    throw invalidOption(
      f('backoff'),
      `${f('backoff')} must be one of ${BACKOFF_KINDS.join(', ')} (got ${JSON.stringify(p.backoff)})`,
    );

  for (const name of ['initialDelayMs', 'maxDelayMs'] as const) {
    const v = p[name];
    if (!isNumber(v)) throw invalidOption(f(name), `${f(name)} must be a finite number`);
    if (v < 0) throw invalidOption(f(name), `${f(name)} must be >= 0`);
  }
  if ((p.maxDelayMs as number) < (p.initialDelayMs as number)) {
    // Name the field the user actually wrote: with the default cap, the fix is to set it.
    if (spec?.maxDelayMs === undefined)
      throw invalidOption(
        f('initialDelayMs'),
        `${f('initialDelayMs')} (${String(p.initialDelayMs)}) exceeds the default maxDelayMs (${DEFAULT_RETRY.maxDelayMs}); set ${f('maxDelayMs')} too`,
      );
    throw invalidOption(
      f('maxDelayMs'),
      `${f('maxDelayMs')} must be >= ${f('initialDelayMs')} (${String(p.initialDelayMs)})`,
    );
  }

  if (!isNumber(p.jitter))
    throw invalidOption(f('jitter'), `${f('jitter')} must be a finite number`);
  if (p.jitter < 0 || p.jitter > 1)
    throw invalidOption(f('jitter'), `${f('jitter')} must be between 0 and 1`);

  return Object.freeze({
    attempts: p.attempts,
    backoff: p.backoff as BackoffKind,
    initialDelayMs: p.initialDelayMs as number,
    maxDelayMs: p.maxDelayMs as number,
    jitter: p.jitter,
  });
}

function stripUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The verdict on a failed attempt. */
export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: 'non-retryable' | 'retries-exhausted' };

/**
 * The delay before attempt `attempt + 1`, before jitter: exponential = initial * 2^(attempt-1),
 * linear = initial * attempt, fixed = initial; capped at `maxDelayMs`.
 */
export function baseDelayMs(policy: RetryPolicy, attempt: number): number {
  let d: number;
  switch (policy.backoff) {
    case 'exponential':
      // 2 ** 1100 is Infinity, which the cap below turns into maxDelayMs.
      d = policy.initialDelayMs * 2 ** (attempt - 1);
      break;
    case 'linear':
      d = policy.initialDelayMs * attempt;
      break;
    case 'fixed':
      d = policy.initialDelayMs;
      break;
  }
  return Math.min(d, policy.maxDelayMs);
}

/** A `RetryAfterError`, live or serialized (SerializedError from a worker): its delay, if any. */
function retryAfterDelay(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; delayMs?: unknown; data?: { delayMs?: unknown } };
  if (e.code !== ErrorCode.RetryAfter) return undefined;
  const d = isNumber(e.delayMs) ? e.delayMs : e.data?.delayMs;
  return isNumber(d) && d >= 0 ? d : undefined;
}

/** False for NonRetryableError and any TroupeError (or SerializedError) with retryable=false. */
function mayRetry(error: unknown): boolean {
  if (isTroupeError(error)) return error.retryable;
  if (typeof error === 'object' && error !== null && 'retryable' in error)
    return error.retryable !== false;
  return true;
}

/**
 * Decide what to do after attempt `attempt` (1-based: the attempt that just failed) threw
 * `error`. A non-retryable error stops at once; otherwise the event gets exactly
 * `policy.attempts` attempts in total. `RetryAfterError(delayMs)` retries after exactly that
 * delay (no jitter, no cap: the handler knows better); any other error waits the backoff delay
 * spread by jitter and capped at `maxDelayMs`. Accepts live errors and `SerializedError`s.
 * `random` returns a number in [0, 1) (default `Math.random`).
 */
export function decideRetry(
  policy: RetryPolicy,
  attempt: number,
  error: unknown,
  random: () => number = Math.random,
): RetryDecision {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `attempt must be an integer >= 1, got ${attempt}`,
      {
        data: { field: 'attempt' },
      },
    );
  if (!mayRetry(error)) return { retry: false, reason: 'non-retryable' };
  if (attempt >= policy.attempts) return { retry: false, reason: 'retries-exhausted' };

  const after = retryAfterDelay(error);
  if (after !== undefined) return { retry: true, delayMs: after };

  const d = baseDelayMs(policy, attempt);
  const spread = d * policy.jitter;
  // Uniform over [d - spread, d + spread]; the cap applies again after spreading upward.
  const jittered = d - spread + 2 * spread * random();
  return { retry: true, delayMs: Math.min(Math.max(0, Math.round(jittered)), policy.maxDelayMs) };
}
