// Traces and replay on Redis Streams: a random key namespace, every key removed afterwards.
// Skips loudly without Redis and fails under TROUPE_REQUIRE_SERVICES=1.
import { silentLogger } from '@troupe/core';
import {
  cleanupRedisPrefix,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterAll } from 'vitest';
import { createRedisTransport } from '../transport/redis/index.js';
import { traceReplayCases } from './trace-replay.cases.js';

const url = redisUrl();

describeWithRedis('traces and replay on real Redis', () => {
  const namespace = uniquePrefix('trace');
  afterAll(async () => {
    await cleanupRedisPrefix(url, namespace);
  });
  traceReplayCases('Redis Streams', () =>
    createRedisTransport({ url, namespace, retryPollMs: 50, logger: silentLogger }),
  );
});
