// Where the shared test services live and whether a run insists on them. CI sets
// TROUPE_REQUIRE_SERVICES=1 so a missing Redis or PostgreSQL fails the run instead of
// silently skipping half the suite; a laptop without them skips loudly.

/** True when env `TROUPE_REQUIRE_SERVICES=1`: unreachable services fail tests instead of skipping. */
export function servicesRequired(): boolean {
  return process.env.TROUPE_REQUIRE_SERVICES === '1';
}

/** The shared Redis: env `REDIS_URL`, default `redis://127.0.0.1:6379`. */
export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * The shared PostgreSQL test database: env `PG_URL` (or `DATABASE_URL`), default
 * `postgres://postgres@127.0.0.1:5432/test` (trust auth).
 */
export function pgUrl(): string {
  return (
    process.env.PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  );
}

/** The banner printed (to stderr) when a suite is skipped for a missing service. */
export function skipBanner(service: string, where: string): string {
  const line = `*** SKIPPED: ${service} not reachable at ${where}; set TROUPE_REQUIRE_SERVICES=1 to fail ***`;
  const bar = '*'.repeat(line.length);
  return `\n${bar}\n${line}\n${bar}\n`;
}
