// troupe.deadlettered scenarios on Redis Streams (the memory run is deadlettered.test.ts): a
// random key namespace per runtime, every key removed afterwards. Skips loudly without Redis
// and fails under TROUPE_REQUIRE_SERVICES=1.
import {
  cleanupRedisPrefix,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterAll } from 'vitest';
import { createRedisTransport } from '../transport/redis/index.js';
import { deadLetteredCases } from './deadlettered.cases.js';

const url = redisUrl();
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describeWithRedis('troupe.deadlettered on real Redis', () => {
  const namespaces: string[] = [];
  afterAll(async () => {
    for (const ns of namespaces) await cleanupRedisPrefix(url, ns);
  });
  deadLetteredCases('Redis Streams', () => {
    const namespace = uniquePrefix('dlq-ev');
    namespaces.push(namespace);
    return createRedisTransport({ url, namespace, retryPollMs: 50, logger: quiet });
  });
});
