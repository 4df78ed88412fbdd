// The coordination store contract on real Redis (a random namespace per test, removed after),
// plus what only Redis has: connection errors named as TRANSPORT_UNAVAILABLE and namespace
// validation. Skips loudly without Redis and fails under TROUPE_REQUIRE_SERVICES=1.
import { ErrorCode } from '@troupe/core';
import {
  cleanupRedisPrefix,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { expect, it } from 'vitest';
import { createRedisCoordinationStore } from './redis-store.js';
import { storeCases } from './store.cases.js';

const url = redisUrl();

describeWithRedis('coordination store on real Redis', () => {
  storeCases('redis', async () => {
    const namespace = uniquePrefix('costore');
    return {
      store: await createRedisCoordinationStore({ url, namespace }),
      cleanup: async () => {
        await cleanupRedisPrefix(url, namespace);
      },
    };
  });

  it('names an unreachable Redis and a bad namespace', async () => {
    await expect(
      createRedisCoordinationStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 500 }),
    ).rejects.toMatchObject({
      code: ErrorCode.TransportUnavailable,
      data: { url: 'redis://127.0.0.1:1' },
    });
    await expect(
      createRedisCoordinationStore({ url, namespace: 'has space' }),
    ).rejects.toMatchObject({
      code: ErrorCode.InvalidOption,
      data: { field: 'options.namespace' },
    });
  });
});
