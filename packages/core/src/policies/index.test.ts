// Pins the public runtime exports of the policies area: adding one is a deliberate API change.
import { expect, it } from 'vitest';
import * as policies from './index.js';

it('exports exactly the documented policy API', () => {
  expect(Object.keys(policies).sort()).toEqual([
    'CircuitBreaker',
    'DEFAULT_BREAKER',
    'DEFAULT_RETRY',
    'baseDelayMs',
    'decideRetry',
    'evaluateQuorum',
    'resolveBreakerPolicy',
    'resolveQuorum',
    'resolveRetryPolicy',
  ]);
});
