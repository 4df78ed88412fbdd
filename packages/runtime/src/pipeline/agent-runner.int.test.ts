// The pipeline scenarios on Redis Streams (the memory run is agent-runner.test.ts): a random
// key namespace per runtime, every key removed afterwards. Skips loudly without Redis and fails
// under TROUPE_REQUIRE_SERVICES=1.
import { silentLogger } from '@troupe/core';
import { describeWithRedis, redisNamespaces, redisUrl } from '@troupe/test-support';
import { createRedisTransport } from '../transport/redis/index.js';
import { pipelineCases } from './pipeline.cases.js';

const url = redisUrl();

describeWithRedis('pipeline on real Redis', () => {
  const namespace = redisNamespaces('pipe');
  pipelineCases('Redis Streams', () =>
    createRedisTransport({ url, namespace: namespace(), retryPollMs: 50, logger: silentLogger }),
  );
});
