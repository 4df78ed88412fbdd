// Public API of @troupe/test-support: real services with isolation for every package's tests
// (Redis key prefixes, PostgreSQL schemas), an own redis-server for crash / restart tests, and
// suites that skip loudly (or fail under TROUPE_REQUIRE_SERVICES=1) when a service is missing.
// Everything exported here is public API.
export { servicesRequired, redisUrl, pgUrl, skipBanner } from './env.js';
export { describeWithService } from './describe-with.js';
export {
  redisAvailable,
  describeWithRedis,
  uniquePrefix,
  cleanupRedisPrefix,
  connectRedis,
  redisNamespaces,
} from './redis.js';
export { pgAvailable, describeWithPostgres, freshPgSchema } from './postgres.js';
export type { PgSchema } from './postgres.js';
export { startRedisServer } from './redis-server.js';
export type { RedisServer, RedisServerOptions } from './redis-server.js';
export { freePort } from './free-port.js';
