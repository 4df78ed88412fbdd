// The DLQ round trip of the admin API on real Redis Streams (the unit suite runs it on the
// memory transport): list, replay by id and all (event ids unchanged), purge by id and all.
import {
  cleanupRedisPrefix,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisTransport } from '../transport/redis/index.js';
import { EXTRA_YAML, startTestNode, until, type TestNode } from './testing.js';

interface Letter {
  id: string;
  reason: string;
  event: { id: string };
}

describeWithRedis('admin API DLQ on Redis Streams', () => {
  const url = redisUrl();
  const namespace = uniquePrefix('admin-dlq');
  let node: TestNode;

  const letters = async (): Promise<Letter[]> => {
    const res = await node.call('/v1/dlq/failer');
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Letter[] }).items;
  };

  beforeAll(async () => {
    const transport = await createRedisTransport({ url, namespace });
    node = await startTestNode({ transport });
    const res = await node.call('/v1/manifests', {
      method: 'POST',
      json: { files: [{ path: 'extra.yaml', text: EXTRA_YAML }] },
    });
    expect(res.status).toBe(200);
  }, 30_000);

  afterAll(async () => {
    await node?.close();
    await cleanupRedisPrefix(url, namespace);
  });

  it('list, replay one and all, purge one and all', async () => {
    for (const n of [1, 2])
      expect(
        (await node.call('/v1/events', { method: 'POST', json: { type: 'Boom', data: { n } } }))
          .status,
      ).toBe(202);
    await until('two dead letters', async () => (await letters()).length === 2, 20_000);
    const [first, second] = await letters();
    expect(first!.reason).toBe('non-retryable');
    expect(first!.id).toMatch(/^\d+-\d+$/);

    const one = await node.call('/v1/dlq/failer/replay', {
      method: 'POST',
      json: { ids: [first!.id] },
    });
    expect(await one.json()).toEqual({ agent: 'failer', replayed: 1 });
    await until(
      'replayed letter back',
      async () => {
        const now = await letters();
        return (
          now.length === 2 && now.some((d) => d.event.id === first!.event.id && d.id !== first!.id)
        );
      },
      20_000,
    );
    const all = await node.call('/v1/dlq/failer/replay', { method: 'POST', json: { all: true } });
    expect(await all.json()).toEqual({ agent: 'failer', replayed: 2 });
    await until('both back', async () => (await letters()).length === 2, 20_000);
    expect((await letters()).map((d) => d.event.id).sort()).toEqual(
      [first!.event.id, second!.event.id].sort(),
    );

    const [a] = await letters();
    const purgeOne = await node.call(`/v1/dlq/failer?id=${a!.id}`, { method: 'DELETE' });
    expect(await purgeOne.json()).toEqual({ agent: 'failer', purged: 1 });
    const purgeAll = await node.call('/v1/dlq/failer', { method: 'DELETE' });
    expect(await purgeAll.json()).toEqual({ agent: 'failer', purged: 1 });
    expect(await letters()).toEqual([]);
    const counts = (await (await node.call('/v1/dlq')).json()) as {
      items: { agent: string; deadLetters: number }[];
    };
    expect(counts.items).toContainEqual({ agent: 'failer', deadLetters: 0 });
  }, 60_000);
});
