// Retry policy: defaults, validation messages naming the field, backoff shapes, jitter bounds,
// caps, control-flow errors (live and serialized), and the exact number of attempts.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors/codes.js';
import {
  NonRetryableError,
  RetryAfterError,
  TroupeError,
  deserializeError,
  serializeError,
} from '../errors/troupe-error.js';
import type { RetrySpec } from '../manifest/types.js';
import { DEFAULT_RETRY, baseDelayMs, decideRetry, resolveRetryPolicy } from './retry.js';
import type { RetryPolicy } from './retry.js';

const mid = (): number => 0.5; // no jitter offset
const low = (): number => 0; // lowest end of the jitter range
const high = (): number => 0.999999999; // highest end

function invalid(spec: unknown, path?: string): TroupeError {
  try {
    resolveRetryPolicy(spec as RetrySpec, path);
  } catch (e) {
    expect(e).toBeInstanceOf(TroupeError);
    expect((e as TroupeError).code).toBe(ErrorCode.InvalidOption);
    return e as TroupeError;
  }
  throw new Error('expected resolveRetryPolicy to throw');
}

describe('resolveRetryPolicy', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_RETRY).toEqual({
      attempts: 3,
      backoff: 'exponential',
      initialDelayMs: 200,
      maxDelayMs: 10_000,
      jitter: 0.2,
    });
    expect(Object.isFrozen(DEFAULT_RETRY)).toBe(true);
  });

  it('applies defaults for a missing spec, an empty spec and undefined fields', () => {
    expect(resolveRetryPolicy()).toEqual(DEFAULT_RETRY);
    expect(resolveRetryPolicy({})).toEqual(DEFAULT_RETRY);
    expect(resolveRetryPolicy({ attempts: undefined })).toEqual(DEFAULT_RETRY);
  });

  it('keeps given fields and fills the rest', () => {
    const p = resolveRetryPolicy({ attempts: 5, backoff: 'linear', jitter: 0 });
    expect(p).toEqual({ ...DEFAULT_RETRY, attempts: 5, backoff: 'linear', jitter: 0 });
    expect(Object.isFrozen(p)).toBe(true);
  });

  it('accepts the edges: 1 attempt, zero delays, jitter 0 and 1, max == initial', () => {
    expect(resolveRetryPolicy({ attempts: 1 }).attempts).toBe(1);
    expect(resolveRetryPolicy({ initialDelayMs: 0, maxDelayMs: 0 }).maxDelayMs).toBe(0);
    expect(resolveRetryPolicy({ jitter: 1 }).jitter).toBe(1);
    expect(resolveRetryPolicy({ initialDelayMs: 500, maxDelayMs: 500 }).maxDelayMs).toBe(500);
  });

  it.each([
    [{ attempts: 0 }, 'spec.retry.attempts must be >= 1'],
    [{ attempts: -3 }, 'spec.retry.attempts must be >= 1'],
    [{ attempts: 1.5 }, 'spec.retry.attempts must be an integer'],
    [{ attempts: '3' }, 'spec.retry.attempts must be an integer'],
    [{ attempts: Number.NaN }, 'spec.retry.attempts must be an integer'],
    [
      { backoff: 'exp' },
      'spec.retry.backoff must be one of exponential, fixed, linear (got "exp")',
    ],
    [{ initialDelayMs: -1 }, 'spec.retry.initialDelayMs must be >= 0'],
    [{ initialDelayMs: Infinity }, 'spec.retry.initialDelayMs must be a finite number'],
    [{ maxDelayMs: -5 }, 'spec.retry.maxDelayMs must be >= 0'],
    [{ maxDelayMs: null }, 'spec.retry.maxDelayMs must be a finite number'],
    [{ maxDelayMs: 100 }, 'spec.retry.maxDelayMs must be >= spec.retry.initialDelayMs (200)'],
    [
      { initialDelayMs: 20_000 },
      'spec.retry.initialDelayMs (20000) exceeds the default maxDelayMs (10000); set spec.retry.maxDelayMs too',
    ],
    [{ jitter: 1.1 }, 'spec.retry.jitter must be between 0 and 1'],
    [{ jitter: -0.1 }, 'spec.retry.jitter must be between 0 and 1'],
    [{ jitter: 'x' }, 'spec.retry.jitter must be a finite number'],
    [{ attempt: 3 }, 'spec.retry.attempt is not a known field (did you mean attempts?)'],
    [{ foo: 1 }, 'spec.retry.foo is not a known field (known fields: attempts, backoff'],
  ])('rejects %j with a message naming the field', (spec, message) => {
    const e = invalid(spec);
    expect(e.message).toContain(message);
    expect(e.retryable).toBe(false);
    expect(typeof e.data.field).toBe('string');
    expect(message).toContain(e.data.field as string);
  });

  it('rejects a non-object spec', () => {
    expect(invalid(5).message).toBe('spec.retry must be an object');
    expect(invalid([]).message).toBe('spec.retry must be an object');
    expect(invalid(null).message).toBe('spec.retry must be an object');
  });

  it('uses the given path in messages', () => {
    const e = invalid({ attempts: 0 }, 'agents[2].spec.retry');
    expect(e.message).toBe('agents[2].spec.retry.attempts must be >= 1');
    expect(e.data.field).toBe('agents[2].spec.retry.attempts');
  });
});

const noJitter = (o: Partial<RetryPolicy>): RetryPolicy => ({ ...DEFAULT_RETRY, jitter: 0, ...o });

describe('backoff shapes', () => {
  it('exponential doubles from initialDelayMs and stops at maxDelayMs', () => {
    const p = noJitter({ attempts: 10, initialDelayMs: 100, maxDelayMs: 1000 });
    expect([1, 2, 3, 4, 5, 6].map((a) => baseDelayMs(p, a))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(baseDelayMs(p, 5000)).toBe(1000); // 2^4999 overflows to Infinity, still capped
  });

  it('linear grows by initialDelayMs per attempt', () => {
    const p = noJitter({ backoff: 'linear', initialDelayMs: 100, maxDelayMs: 350 });
    expect([1, 2, 3, 4].map((a) => baseDelayMs(p, a))).toEqual([100, 200, 300, 350]);
  });

  it('fixed stays at initialDelayMs', () => {
    const p = noJitter({ backoff: 'fixed', initialDelayMs: 250 });
    expect([1, 2, 9].map((a) => baseDelayMs(p, a))).toEqual([250, 250, 250]);
  });

  it('decideRetry uses the backoff delay when jitter is 0', () => {
    const p = noJitter({ attempts: 4, initialDelayMs: 100 });
    expect(decideRetry(p, 1, new Error('x'), high)).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry(p, 2, new Error('x'), low)).toEqual({ retry: true, delayMs: 200 });
    expect(decideRetry(p, 3, new Error('x'))).toEqual({ retry: true, delayMs: 400 });
  });
});

describe('jitter', () => {
  const p: RetryPolicy = { ...DEFAULT_RETRY, attempts: 10, jitter: 0.2 };

  it('spreads the delay uniformly over [d*(1-j), d*(1+j)]', () => {
    expect(decideRetry(p, 1, new Error(), low)).toEqual({ retry: true, delayMs: 160 });
    expect(decideRetry(p, 1, new Error(), mid)).toEqual({ retry: true, delayMs: 200 });
    expect(decideRetry(p, 1, new Error(), high)).toEqual({ retry: true, delayMs: 240 });
    expect(decideRetry(p, 1, new Error(), () => 0.25)).toEqual({ retry: true, delayMs: 180 });
  });

  it('stays inside the range over many random draws and covers it', () => {
    const seen: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const d = decideRetry(p, 2, new Error());
      if (!d.retry) throw new Error('expected a retry');
      seen.push(d.delayMs);
    }
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(320);
    expect(Math.max(...seen)).toBeLessThanOrEqual(480);
    expect(Math.min(...seen)).toBeLessThan(340);
    expect(Math.max(...seen)).toBeGreaterThan(460);
  });

  it('caps again at maxDelayMs after spreading upward', () => {
    const capped: RetryPolicy = { ...p, initialDelayMs: 1000, maxDelayMs: 1000 };
    expect(decideRetry(capped, 1, new Error(), high)).toEqual({ retry: true, delayMs: 1000 });
    expect(decideRetry(capped, 1, new Error(), low)).toEqual({ retry: true, delayMs: 800 });
    // Deep into the schedule: the base is the cap, jitter only spreads it downward.
    expect(decideRetry(capped, 8, new Error(), high)).toEqual({ retry: true, delayMs: 1000 });
  });

  it('jitter 1 can go down to 0 and never below', () => {
    const full: RetryPolicy = { ...p, jitter: 1 };
    expect(decideRetry(full, 1, new Error(), low)).toEqual({ retry: true, delayMs: 0 });
    expect(decideRetry(full, 1, new Error(), high)).toEqual({ retry: true, delayMs: 400 });
  });
});

describe('decideRetry', () => {
  it('gives exactly `attempts` attempts in total', () => {
    for (const attempts of [1, 2, 3, 5]) {
      const p: RetryPolicy = { ...DEFAULT_RETRY, attempts };
      let attempt = 1;
      let runs = 1;
      while (decideRetry(p, attempt, new Error('boom'), mid).retry) {
        attempt++;
        runs++;
      }
      expect(runs).toBe(attempts);
      expect(decideRetry(p, attempt, new Error('boom'))).toEqual({
        retry: false,
        reason: 'retries-exhausted',
      });
    }
  });

  it('is exhausted past the last attempt as well (a redelivered event)', () => {
    expect(decideRetry(DEFAULT_RETRY, 7, new Error())).toEqual({
      retry: false,
      reason: 'retries-exhausted',
    });
  });

  it('does not retry NonRetryableError, even on the first attempt', () => {
    expect(decideRetry(DEFAULT_RETRY, 1, new NonRetryableError('bad input'))).toEqual({
      retry: false,
      reason: 'non-retryable',
    });
  });

  it('does not retry any TroupeError with retryable=false, and reports it before exhaustion', () => {
    const e = new TroupeError(ErrorCode.SchemaInvalid, 'bad', { retryable: false });
    expect(decideRetry(DEFAULT_RETRY, 1, e)).toEqual({ retry: false, reason: 'non-retryable' });
    expect(decideRetry(DEFAULT_RETRY, 3, e)).toEqual({ retry: false, reason: 'non-retryable' });
  });

  it('retries a retryable TroupeError and any non-Error throwable', () => {
    const e = new TroupeError(ErrorCode.HandlerTimeout, 'slow');
    expect(decideRetry(DEFAULT_RETRY, 1, e, mid)).toEqual({ retry: true, delayMs: 200 });
    for (const thrown of ['string', 42, null, undefined, { some: 'object' }])
      expect(decideRetry(DEFAULT_RETRY, 1, thrown, mid)).toEqual({ retry: true, delayMs: 200 });
  });

  it('RetryAfterError waits exactly its delay: no jitter, no cap', () => {
    expect(decideRetry(DEFAULT_RETRY, 1, new RetryAfterError(1234), low)).toEqual({
      retry: true,
      delayMs: 1234,
    });
    expect(decideRetry(DEFAULT_RETRY, 2, new RetryAfterError(60_000), high)).toEqual({
      retry: true,
      delayMs: 60_000,
    });
    expect(decideRetry(DEFAULT_RETRY, 1, new RetryAfterError(0))).toEqual({
      retry: true,
      delayMs: 0,
    });
  });

  it('RetryAfterError does not grant attempts beyond the policy', () => {
    expect(decideRetry(DEFAULT_RETRY, 3, new RetryAfterError(10))).toEqual({
      retry: false,
      reason: 'retries-exhausted',
    });
  });

  it('understands serialized errors from a worker, and deserialized ones', () => {
    const nr = serializeError(new NonRetryableError('no'));
    expect(decideRetry(DEFAULT_RETRY, 1, nr)).toEqual({ retry: false, reason: 'non-retryable' });
    const ra = serializeError(new RetryAfterError(777));
    expect(decideRetry(DEFAULT_RETRY, 1, ra, low)).toEqual({ retry: true, delayMs: 777 });
    expect(decideRetry(DEFAULT_RETRY, 1, deserializeError(ra), low)).toEqual({
      retry: true,
      delayMs: 777,
    });
    const plain = serializeError(new Error('x'));
    expect(decideRetry(DEFAULT_RETRY, 1, plain, mid)).toEqual({ retry: true, delayMs: 200 });
  });

  it('ignores a RETRY_AFTER code without a usable delay', () => {
    const e = new TroupeError(ErrorCode.RetryAfter, 'x', { data: { delayMs: -1 } });
    expect(decideRetry(DEFAULT_RETRY, 1, e, mid)).toEqual({ retry: true, delayMs: 200 });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects attempt %s', (attempt) => {
    expect(() => decideRetry(DEFAULT_RETRY, attempt, new Error())).toThrow(
      /attempt must be an integer >= 1/,
    );
  });
});
