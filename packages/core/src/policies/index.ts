// Policies: retry/backoff, circuit breaker, quorum (filled by the policies work).
