// Policies as pure code (DESIGN.md §4): retry with backoff and jitter, the per-agent circuit
// breaker, and the aggregator quorum. Clocks and randomness are injected; no I/O, no timers.
export type { RetryPolicy, RetryDecision } from './retry.js';
export { DEFAULT_RETRY, resolveRetryPolicy, decideRetry, baseDelayMs } from './retry.js';
export type {
  BreakerPolicy,
  BreakerState,
  BreakerListener,
  CircuitBreakerOptions,
} from './breaker.js';
export { DEFAULT_BREAKER, resolveBreakerPolicy, CircuitBreaker } from './breaker.js';
export type { ResolvedQuorum, QuorumEvaluation } from './quorum.js';
export { resolveQuorum, evaluateQuorum } from './quorum.js';
