// Circuit breaker: every transition, the single half-open trial, clock edges, results that
// arrive while open or without a trial, listeners, and policy validation.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors/codes.js';
import { TroupeError } from '../errors/troupe-error.js';
import type { BreakerSpec } from '../manifest/types.js';
import { CircuitBreaker, DEFAULT_BREAKER, resolveBreakerPolicy } from './breaker.js';
import type { BreakerState } from './breaker.js';

function setup(failureThreshold = 3, resetTimeoutMs = 1000) {
  let t = 10_000;
  const changes: Array<[BreakerState, BreakerState]> = [];
  const b = new CircuitBreaker({ policy: { failureThreshold, resetTimeoutMs }, now: () => t });
  b.onStateChange((from, to) => changes.push([from, to]));
  return {
    b,
    changes,
    advance: (ms: number) => {
      t += ms;
    },
    fail: (n: number) => {
      for (let i = 0; i < n; i++) b.onFailure();
    },
  };
}

describe('resolveBreakerPolicy', () => {
  it('has the documented defaults and applies them', () => {
    expect(DEFAULT_BREAKER).toEqual({ failureThreshold: 5, resetTimeoutMs: 30_000 });
    expect(resolveBreakerPolicy()).toEqual(DEFAULT_BREAKER);
    expect(resolveBreakerPolicy({ failureThreshold: 2 })).toEqual({
      failureThreshold: 2,
      resetTimeoutMs: 30_000,
    });
    expect(resolveBreakerPolicy({ resetTimeoutMs: 0 }).resetTimeoutMs).toBe(0);
  });

  it.each([
    [{ failureThreshold: 0 }, 'spec.breaker.failureThreshold must be >= 1'],
    [{ failureThreshold: 2.5 }, 'spec.breaker.failureThreshold must be an integer'],
    [{ failureThreshold: '5' }, 'spec.breaker.failureThreshold must be an integer'],
    [{ resetTimeoutMs: -1 }, 'spec.breaker.resetTimeoutMs must be >= 0'],
    [{ resetTimeoutMs: Infinity }, 'spec.breaker.resetTimeoutMs must be a finite number'],
    [
      { resetTimeout: 5 },
      'spec.breaker.resetTimeout is not a known field (did you mean resetTimeoutMs?)',
    ],
    [7, 'spec.breaker must be an object'],
  ])('rejects %j naming the field', (spec, message) => {
    let err: unknown;
    try {
      resolveBreakerPolicy(spec as BreakerSpec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TroupeError);
    expect((err as TroupeError).code).toBe(ErrorCode.InvalidOption);
    expect((err as TroupeError).message).toBe(message);
  });

  it('uses the given path', () => {
    expect(() => resolveBreakerPolicy({ failureThreshold: 0 }, 'agents[1].spec.breaker')).toThrow(
      'agents[1].spec.breaker.failureThreshold must be >= 1',
    );
  });
});

describe('CircuitBreaker', () => {
  it('starts closed and lets everything through', () => {
    const { b } = setup();
    expect(b.state).toBe('closed');
    for (let i = 0; i < 10; i++) expect(b.tryAcquire()).toBe(true);
    expect(b.msUntilHalfOpen()).toBe(0);
  });

  it('uses DEFAULT_BREAKER and a monotonic clock when given nothing', () => {
    const b = new CircuitBreaker();
    expect(b.policy).toBe(DEFAULT_BREAKER);
    for (let i = 0; i < 5; i++) b.onFailure();
    expect(b.state).toBe('open');
    expect(b.msUntilHalfOpen()).toBeGreaterThan(29_000);
    expect(b.msUntilHalfOpen()).toBeLessThanOrEqual(30_000);
  });

  it('opens after exactly failureThreshold consecutive failures', () => {
    const { b, changes, fail } = setup(3);
    fail(2);
    expect(b.state).toBe('closed');
    expect(b.consecutiveFailures).toBe(2);
    fail(1);
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(changes).toEqual([['closed', 'open']]);
  });

  it('a success resets the consecutive count', () => {
    const { b, fail } = setup(3);
    fail(2);
    b.onSuccess();
    expect(b.consecutiveFailures).toBe(0);
    fail(2);
    expect(b.state).toBe('closed');
    fail(1);
    expect(b.state).toBe('open');
  });

  it('threshold 1 opens on the first failure', () => {
    const { b, fail } = setup(1);
    fail(1);
    expect(b.state).toBe('open');
  });

  it('stays open 1 ms before the reset time and turns half-open exactly at it', () => {
    const { b, changes, fail, advance } = setup(2, 1000);
    fail(2);
    expect(b.msUntilHalfOpen()).toBe(1000);
    advance(999);
    expect(b.msUntilHalfOpen()).toBe(1);
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.state).toBe('half-open');
    expect(b.msUntilHalfOpen()).toBe(0);
    expect(changes).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
    ]);
  });

  it('turns half-open lazily through tryAcquire too (no read of state first)', () => {
    const { b, changes, fail, advance } = setup(1, 500);
    fail(1);
    advance(10_000);
    expect(b.tryAcquire()).toBe(true);
    expect(changes.at(-1)).toEqual(['open', 'half-open']);
  });

  it('lets exactly one trial through in half-open', () => {
    const { b, fail, advance } = setup(1, 100);
    fail(1);
    advance(100);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    expect(b.tryAcquire()).toBe(false);
    expect(b.state).toBe('half-open');
    advance(1_000_000); // time alone does not free another trial
    expect(b.tryAcquire()).toBe(false);
  });

  it('closes on the trial success', () => {
    const { b, changes, fail, advance } = setup(2, 100);
    fail(2);
    advance(100);
    expect(b.tryAcquire()).toBe(true);
    b.onSuccess();
    expect(b.state).toBe('closed');
    expect(b.consecutiveFailures).toBe(0);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(true);
    expect(changes.at(-1)).toEqual(['half-open', 'closed']);
    // And needs the full threshold again to reopen.
    fail(1);
    expect(b.state).toBe('closed');
    fail(1);
    expect(b.state).toBe('open');
  });

  it('re-opens on the trial failure with the timer restarted', () => {
    const { b, changes, fail, advance } = setup(2, 100);
    fail(2);
    advance(150); // 50 ms past the reset time
    expect(b.tryAcquire()).toBe(true);
    advance(30);
    b.onFailure();
    expect(b.state).toBe('open');
    expect(b.msUntilHalfOpen()).toBe(100); // counted from the trial failure, not the first opening
    advance(99);
    expect(b.state).toBe('open');
    advance(1);
    expect(b.state).toBe('half-open');
    expect(changes).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'open'],
      ['open', 'half-open'],
    ]);
  });

  it('ignores failures and successes reported while open (late results from before opening)', () => {
    const { b, changes, fail, advance } = setup(2, 100);
    fail(2);
    advance(50);
    fail(5);
    b.onSuccess();
    expect(b.state).toBe('open');
    expect(b.msUntilHalfOpen()).toBe(50); // timer not restarted by ignored failures
    advance(50);
    expect(b.state).toBe('half-open');
    expect(changes).toHaveLength(2);
  });

  it('ignores results in half-open while no trial is out', () => {
    const { b, fail, advance } = setup(2, 100);
    fail(2);
    advance(100);
    b.onSuccess(); // late success of work started before opening
    expect(b.state).toBe('half-open');
    b.onFailure(); // late failure
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true); // the trial slot is still available
  });

  it('resetTimeoutMs 0 goes half-open at once', () => {
    const { b, fail } = setup(1, 0);
    fail(1);
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    b.onFailure();
    expect(b.state).toBe('half-open'); // re-opened then immediately eligible again
    expect(b.tryAcquire()).toBe(true);
  });

  it('listeners can unsubscribe', () => {
    const { b, fail } = setup(1, 100);
    const seen: string[] = [];
    const off = b.onStateChange((from, to) => seen.push(`${from}->${to}`));
    fail(1);
    off();
    b.onFailure();
    expect(seen).toEqual(['closed->open']);
  });

  it('runs every listener even if one throws, then rethrows the first error', () => {
    const b = new CircuitBreaker({
      policy: { failureThreshold: 1, resetTimeoutMs: 10 },
      now: () => 0,
    });
    const seen: string[] = [];
    b.onStateChange(() => {
      throw new Error('listener 1');
    });
    b.onStateChange((_from, to) => seen.push(to));
    expect(() => b.onFailure()).toThrow('listener 1');
    expect(seen).toEqual(['open']);
    expect(b.state).toBe('open');
  });
});
