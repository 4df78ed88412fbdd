import {
  DEFAULT_RETRY,
  ErrorCode,
  NonRetryableError,
  RetryAfterError,
  TroupeError,
  serializeError,
} from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { decideFailure } from './retry-decision.js';

const policy = { ...DEFAULT_RETRY, attempts: 3, initialDelayMs: 100, jitter: 0 };

describe('decideFailure', () => {
  it('retries with backoff until the last attempt, then retries-exhausted', () => {
    const err = serializeError(new Error('boom'));
    expect(decideFailure(policy, 1, err)).toEqual({ action: 'retry', delayMs: 100 });
    expect(decideFailure(policy, 2, err)).toEqual({ action: 'retry', delayMs: 200 });
    expect(decideFailure(policy, 3, err)).toEqual({
      action: 'dead-letter',
      reason: 'retries-exhausted',
    });
  });
  it('dead-letters a NonRetryableError at once', () => {
    expect(decideFailure(policy, 1, serializeError(new NonRetryableError('no')))).toEqual({
      action: 'dead-letter',
      reason: 'non-retryable',
    });
  });
  it('honours RetryAfterError delays', () => {
    expect(decideFailure(policy, 1, serializeError(new RetryAfterError(1234)))).toEqual({
      action: 'retry',
      delayMs: 1234,
    });
  });
  it('keeps precise reasons for undeclared emissions and handler load failures', () => {
    const und = serializeError(
      new TroupeError(ErrorCode.UndeclaredEmission, 'x', { retryable: false }),
    );
    expect(decideFailure(policy, 1, und)).toEqual({
      action: 'dead-letter',
      reason: 'undeclared-emission',
    });
    const load = serializeError(new TroupeError(ErrorCode.HandlerLoad, 'x', { retryable: false }));
    expect(decideFailure(policy, 1, load)).toEqual({
      action: 'dead-letter',
      reason: 'handler-load',
    });
  });
});
