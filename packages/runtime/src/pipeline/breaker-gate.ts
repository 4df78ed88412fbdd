// The circuit breaker as a fetch gate (DESIGN.md §4): it says how many deliveries the runner may
// fetch. Closed: all free slots. Open: none, so events wait in the stream and none is failed or
// dead-lettered. Half-open: exactly one trial. Every handler failure counts, every success resets;
// only the trial's result decides in half-open (work started before the breaker opened is
// ignored). State changes are announced as system events `troupe.breaker.*`.
import {
  CircuitBreaker,
  type BreakerPolicy,
  type BreakerState,
  type CloudEvent,
} from '@troupe/core';
import { SystemEventType, systemEvent } from './system-events.js';

/** A handler run admitted by the gate; report its result with `gate.report(ticket, ok)`. */
export interface GateTicket {
  readonly trial: boolean;
}

export interface BreakerGateOptions {
  readonly agent: string;
  readonly nodeId: string;
  readonly policy: BreakerPolicy;
  /** Called with each `troupe.breaker.*` system event. */
  readonly announce: (event: CloudEvent) => void;
  /** Monotonic clock for the breaker. Default `performance.now`. */
  readonly monotonic?: () => number;
  /** Wall clock for event timestamps. Default `Date.now`. */
  readonly now?: () => number;
}

const EVENT_OF: Record<BreakerState, string> = {
  open: SystemEventType.BreakerOpened,
  'half-open': SystemEventType.BreakerHalfOpened,
  closed: SystemEventType.BreakerClosed,
};

export class BreakerGate {
  readonly #breaker: CircuitBreaker;
  /** Consecutive handler failures (since the last success). */
  #failures = 0;
  /** The half-open trial permit, acquired but not yet spent on a handler run. */
  #trialHeld = false;
  #trialRunning = false;

  constructor(opts: BreakerGateOptions) {
    this.#breaker = new CircuitBreaker({
      policy: opts.policy,
      ...(opts.monotonic ? { now: opts.monotonic } : {}),
    });
    this.#breaker.onStateChange((_from, to) => {
      if (to !== 'half-open') {
        this.#trialHeld = false;
        this.#trialRunning = false;
      }
      const now = opts.now ?? Date.now;
      const data = {
        agent: opts.agent,
        failures: this.#failures,
        at: new Date(now()).toISOString(),
      };
      opts.announce(
        systemEvent(EVENT_OF[to] as SystemEventType, data, opts.nodeId, undefined, now),
      );
    });
  }

  get state(): BreakerState {
    return this.#breaker.state;
  }

  get failures(): number {
    return this.#failures;
  }

  /** How many deliveries may be fetched now, given `free` in-flight slots. */
  permits(free: number): number {
    if (free <= 0) return 0;
    switch (this.#breaker.state) {
      case 'closed':
        return free;
      case 'open':
        return 0;
      case 'half-open':
        if (this.#trialRunning) return 0;
        if (!this.#trialHeld) this.#trialHeld = this.#breaker.tryAcquire();
        return this.#trialHeld ? 1 : 0;
    }
  }

  /** Milliseconds until an open breaker lets a trial through (0 unless open). */
  msUntilHalfOpen(): number {
    return this.#breaker.msUntilHalfOpen();
  }

  /** A fetched delivery is about to run its handler. */
  admit(): GateTicket {
    if (this.#trialHeld && !this.#trialRunning) {
      this.#trialRunning = true;
      return { trial: true };
    }
    return { trial: false };
  }

  /** Report a handler run's result. */
  report(ticket: GateTicket, ok: boolean): void {
    const state = this.#breaker.state;
    // Outside `closed`, only the trial decides: late results of older work are ignored.
    if (state !== 'closed' && !ticket.trial) return;
    if (ok) {
      this.#breaker.onSuccess();
      this.#failures = 0;
    } else {
      this.#failures++;
      this.#breaker.onFailure();
    }
  }
}
