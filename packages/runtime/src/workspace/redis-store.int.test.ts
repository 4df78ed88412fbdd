// The workspace conformance suite against the real Redis (127.0.0.1:6379 or REDIS_URL), one
// random namespace per test, deleted afterwards; plus Redis-specific checks: the key layout's
// index cleanup after expiry, and recovery when Redis forgets its scripts.
import { createClient } from 'redis';
import { afterAll, expect, it } from 'vitest';
import {
  cleanupRedisPrefix,
  connectRedis,
  describeWithRedis,
  redisUrl,
  startRedisServer,
  uniquePrefix,
} from '@troupe/test-support';
import { runWorkspaceConformance } from './conformance.js';
import { ALL_SCOPES } from './contract.js';
import { createRedisWorkspaceStore } from './redis-store.js';

const prefixes: string[] = [];

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
afterAll(async () => {
  for (const p of prefixes) await cleanupRedisPrefix(redisUrl(), p);
});

runWorkspaceConformance(
  'redis',
  () => {
    const namespace = uniquePrefix('ws');
    prefixes.push(namespace);
    return Promise.resolve({
      open: (o) => createRedisWorkspaceStore({ ...o, url: redisUrl(), namespace }),
      cleanup: async () => {
        await cleanupRedisPrefix(redisUrl(), namespace);
      },
    });
  },
  { describe: describeWithRedis },
);

describeWithRedis('redis workspace store specifics', () => {
  it('leaves no index keys behind once expired entries are swept', async () => {
    const namespace = uniquePrefix('ws');
    prefixes.push(namespace);
    const store = await createRedisWorkspaceStore({ url: redisUrl(), namespace });
    const client = await connectRedis();
    try {
      await store.put('wf', 'a', 1, { ttlMs: 50, tags: ['x', 'y'] });
      await store.put('wf', 'b', 2, { tags: ['y'] });
      await new Promise((r) => setTimeout(r, 120));
      expect(await store.list('wf')).toHaveLength(1);
      const keys = (await client.keys(`${namespace}:*`)).sort();
      expect(keys).toEqual(
        [
          `${namespace}:ws:scopes`,
          `${namespace}:ws:{wf}:e:b`,
          `${namespace}:ws:{wf}:keys`,
          `${namespace}:ws:{wf}:t:y`,
        ].sort(),
      );
      await store.delete('wf', 'b');
      expect(await client.keys(`${namespace}:*`)).toEqual([]);
    } finally {
      client.destroy();
      await store.close();
    }
  });

  it('works over a caller-owned client, RESP3 included, and leaves it open on close()', async () => {
    const namespace = uniquePrefix('ws');
    prefixes.push(namespace);
    const client = createClient({ url: redisUrl(), RESP: 3 });
    await client.connect();
    try {
      const store = await createRedisWorkspaceStore({ client, namespace });
      await store.put('wf', 'k', { a: 1 }, { tags: ['t'], ttlMs: 60_000 });
      expect(await store.get('wf', 'k')).toMatchObject({
        value: { a: 1 },
        tags: ['t'],
        version: 1,
      });
      expect((await store.list('wf', { tags: ['t'] })).map((e) => e.key)).toEqual(['k']);
      expect((await store.search(ALL_SCOPES, { text: 'A' })).map((e) => e.key)).toEqual(['k']);
      await store.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.destroy();
    }
  });

  it('reloads its scripts after a Redis restart (NOSCRIPT) and keeps the data (AOF)', async () => {
    // An own server: flushing or restarting the shared Redis would disturb other test runs.
    const server = await startRedisServer({ appendfsync: 'always' });
    const store = await createRedisWorkspaceStore({ url: server.url, namespace: 'troupe' });
    try {
      await store.put('wf', 'k', 1, { tags: ['t'] });
      await server.restart();
      await waitUntil(
        async () => (await store.get('wf', 'k').catch(() => undefined)) !== undefined,
      );
      expect((await store.put('wf', 'k', 2)).version).toBe(2);
      expect((await store.list('wf', { tags: ['t'] })).map((e) => e.value)).toEqual([]);
    } finally {
      await store.close().catch(() => undefined);
      await server.stop();
    }
  });
});
