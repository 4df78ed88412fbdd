// Circuit breaker as pure code (DESIGN.md §4): per agent, `closed` until `failureThreshold`
// consecutive failures, then `open` (the consumer stops reading; events wait in the stream),
// then `half-open` once `resetTimeoutMs` has elapsed, where exactly one trial passes. The clock
// is injected (use a monotonic one, e.g. `performance.now`, so wall-clock jumps cannot trip it)
// and time is evaluated lazily: there are no timers to leak or to clean up.
import type { BreakerSpec } from '../manifest/types.js';
import { checkKnownFields, invalidOption } from './validate.js';

/** A breaker policy with every field resolved and validated. */
export interface BreakerPolicy {
  /** Consecutive failures that open the breaker (integer >= 1). */
  readonly failureThreshold: number;
  /** Time the breaker stays open before one half-open trial, in ms (>= 0). */
  readonly resetTimeoutMs: number;
}

/** Defaults of `spec.breaker`: open after 5 consecutive failures, try again after 30 s. */
export const DEFAULT_BREAKER: BreakerPolicy = Object.freeze({
  failureThreshold: 5,
  resetTimeoutMs: 30_000,
});

const BREAKER_FIELDS = ['failureThreshold', 'resetTimeoutMs'] as const;

/**
 * Apply the defaults to `spec` and validate the result. Throws `TroupeError` code
 * `INVALID_OPTION` (data `{ field }`) whose message names the field path.
 */
export function resolveBreakerPolicy(spec?: BreakerSpec, path = 'spec.breaker'): BreakerPolicy {
  if (spec !== undefined && (typeof spec !== 'object' || spec === null || Array.isArray(spec)))
    throw invalidOption(path, `${path} must be an object`);
  checkKnownFields(spec ?? {}, BREAKER_FIELDS, path);
  const threshold: unknown = spec?.failureThreshold ?? DEFAULT_BREAKER.failureThreshold;
  const reset: unknown = spec?.resetTimeoutMs ?? DEFAULT_BREAKER.resetTimeoutMs;
  const ft = `${path}.failureThreshold`;
  const rt = `${path}.resetTimeoutMs`;
  if (typeof threshold !== 'number' || !Number.isInteger(threshold))
    throw invalidOption(ft, `${ft} must be an integer`);
  if (threshold < 1) throw invalidOption(ft, `${ft} must be >= 1`);
  if (typeof reset !== 'number' || !Number.isFinite(reset))
    throw invalidOption(rt, `${rt} must be a finite number`);
  if (reset < 0) throw invalidOption(rt, `${rt} must be >= 0`);
  return Object.freeze({ failureThreshold: threshold, resetTimeoutMs: reset });
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export type BreakerListener = (from: BreakerState, to: BreakerState) => void;

export interface CircuitBreakerOptions {
  /** Defaults to `DEFAULT_BREAKER`. */
  policy?: BreakerPolicy;
  /** Milliseconds from any fixed origin. Default `performance.now` (monotonic). */
  now?: () => number;
}

/**
 * The breaker's state machine. Callers ask `tryAcquire()` before running a handler and report
 * the result with `onSuccess()` / `onFailure()`. Results reported while the breaker is open are
 * ignored (they belong to work started before it opened); in half-open only the trial's result
 * counts, and a result arriving while no trial is out is ignored as well.
 */
export class CircuitBreaker {
  readonly policy: BreakerPolicy;
  private readonly now: () => number;
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialOut = false;
  private readonly listeners = new Set<BreakerListener>();

  constructor(options: CircuitBreakerOptions = {}) {
    this.policy = options.policy ?? DEFAULT_BREAKER;
    this.now = options.now ?? (() => performance.now());
  }

  /** Current state; moves `open` to `half-open` when the reset timeout has elapsed. */
  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.policy.resetTimeoutMs)
      this.transition('half-open');
    return this.current;
  }

  /** Consecutive failures counted while closed. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /**
   * May one unit of work run now? Always in `closed`; never in `open`; in `half-open` exactly
   * once (the trial), then not until the trial reports.
   */
  tryAcquire(): boolean {
    switch (this.state) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half-open':
        if (this.trialOut) return false;
        this.trialOut = true;
        return true;
    }
  }

  /** Report a success: resets the failure count; closes the breaker after a successful trial. */
  onSuccess(): void {
    const s = this.state;
    if (s === 'closed') this.failures = 0;
    else if (s === 'half-open' && this.trialOut) {
      this.failures = 0;
      this.transition('closed');
    }
  }

  /** Report a failure: opens after `failureThreshold` in a row; re-opens after a failed trial. */
  onFailure(): void {
    const s = this.state;
    if (s === 'closed') {
      this.failures++;
      if (this.failures >= this.policy.failureThreshold) this.open();
    } else if (s === 'half-open' && this.trialOut) {
      this.open();
    }
  }

  /** Milliseconds until `open` turns `half-open`; 0 unless open. */
  msUntilHalfOpen(): number {
    if (this.state !== 'open') return 0;
    return Math.max(0, this.openedAt + this.policy.resetTimeoutMs - this.now());
  }

  /** Called synchronously on every state change; returns a function that unsubscribes. */
  onStateChange(listener: BreakerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private open(): void {
    this.openedAt = this.now();
    this.failures = 0;
    this.transition('open');
  }

  private transition(to: BreakerState): void {
    const from = this.current;
    this.current = to;
    this.trialOut = false;
    if (from === to) return;
    // Every listener runs even if one throws; the state is already updated, and the first
    // listener error is rethrown afterwards so it is not silently lost.
    let failed: { error: unknown } | undefined;
    for (const l of [...this.listeners]) {
      try {
        l(from, to);
      } catch (error) {
        failed ??= { error };
      }
    }
    if (failed) throw failed.error;
  }
}
