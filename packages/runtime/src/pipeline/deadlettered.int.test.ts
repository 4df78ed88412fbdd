// troupe.deadlettered scenarios on Redis Streams (the memory run is deadlettered.test.ts): a
// random key namespace per runtime, every key removed afterwards. Skips loudly without Redis
// and fails under TROUPE_REQUIRE_SERVICES=1.
import { silentLogger } from '@troupe/core';
import { describeWithRedis, redisNamespaces, redisUrl } from '@troupe/test-support';
import { createRedisTransport } from '../transport/redis/index.js';
import { deadLetteredCases } from './deadlettered.cases.js';

const url = redisUrl();

describeWithRedis('troupe.deadlettered on real Redis', () => {
  const namespace = redisNamespaces('dlq-ev');
  deadLetteredCases('Redis Streams', () =>
    createRedisTransport({ url, namespace: namespace(), retryPollMs: 50, logger: silentLogger }),
  );
});
