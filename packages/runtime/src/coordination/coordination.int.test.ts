// The Aggregator and Saga scenarios, and the aggregator's ruling-out by dead letters, on Redis
// Streams with the Redis coordination store: every `open()` connects a new transport and store
// to the same namespace (a restart is a real reconnect), and every key of the namespace is
// removed afterwards. Skips loudly without Redis and fails under TROUPE_REQUIRE_SERVICES=1.
import { silentLogger } from '@troupe/core';
import {
  cleanupRedisPrefix,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { createRedisTransport } from '../transport/redis/index.js';
import { coordinationCases, type CoordinationEnv } from './coordination.cases.js';
import { createRedisCoordinationStore } from './redis-store.js';
import { rulingCases } from './ruling.cases.js';

const url = redisUrl();

const redisEnv = (): Promise<CoordinationEnv> => {
  const namespace = uniquePrefix('coord');
  const opened: { close(): Promise<void> }[] = [];
  return Promise.resolve({
    async open() {
      const transport = await createRedisTransport({
        url,
        namespace,
        retryPollMs: 50,
        logger: silentLogger,
      });
      const store = await createRedisCoordinationStore({ url, namespace });
      opened.push(transport, store);
      return { transport, store };
    },
    async cleanup() {
      for (const o of opened.splice(0)) await o.close().catch(() => undefined);
      await cleanupRedisPrefix(url, namespace);
    },
  });
};

describeWithRedis('coordination on real Redis', () => {
  coordinationCases('Redis Streams', redisEnv);
  rulingCases('Redis Streams', redisEnv);
});
