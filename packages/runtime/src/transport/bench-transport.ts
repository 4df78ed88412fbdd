// Raw transport throughput: publish N events, then one consumer fetches batches and commits
// each delivery with one emission (a 1-hop chain without handlers). Prints events/s for both
// transports. Run: `pnpm exec tsx packages/runtime/src/transport/bench-transport.ts [N]`
// (REDIS_URL or redis://127.0.0.1:6379; the Redis run uses a fresh namespace and removes it).
import { createEvent, deriveEvent } from '@troupe/core';
import { createClient } from 'redis';
import type { Transport } from './contract.js';
import { createMemoryTransport } from './memory/index.js';
import { createRedisTransport } from './redis/index.js';

const N = Number(process.argv[2] ?? 50_000);
const BATCH = 500;

async function bench(name: string, t: Transport, n: number): Promise<void> {
  const c = await t.consume({
    group: 'bench',
    types: ['In'],
    consumer: 'n1',
    visibilityTimeoutMs: 60_000,
  });
  const events = Array.from({ length: n }, (_, i) => createEvent({ type: 'In', data: { i } }));
  let t0 = performance.now();
  for (let i = 0; i < n; i += 5000) await t.publish(events.slice(i, i + 5000));
  const publishS = (performance.now() - t0) / 1000;
  // Emissions are derived up front: this measures the transport, not id hashing.
  const outs = new Map(
    events.map((e) => [
      e.id,
      [deriveEvent(e, { type: 'Out', data: e.data, agent: 'bench', index: 0 })],
    ]),
  );
  t0 = performance.now();
  let done = 0;
  while (done < n) {
    const batch = await c.fetch(BATCH, 1000);
    // Commits of one batch are issued together (Redis pipelines them), as the runtime does.
    await Promise.all(batch.map((d) => c.commit(d, outs.get(d.event.id) ?? [])));
    done += batch.length;
  }
  const consumeS = (performance.now() - t0) / 1000;
  console.log(
    `${name.padEnd(6)} N=${n}  publish ${Math.round(n / publishS).toLocaleString('en')} ev/s  ` +
      `fetch+commit(1 emission) ${Math.round(n / consumeS).toLocaleString('en')} ev/s  (${((consumeS / n) * 1e6).toFixed(1)} µs/event)`,
  );
  await c.close();
}

await bench('memory', createMemoryTransport(), N);
await bench('memory', createMemoryTransport(), N);

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `bench-${Date.now().toString(36)}`;
const redis = await createRedisTransport({ url, namespace, trimIntervalMs: 0 });
try {
  await bench('redis', redis, Math.min(N, 20_000));
} finally {
  await redis.close();
  const client = createClient({ url, RESP: 2 });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${namespace}:*`, COUNT: 500 }))
    if (keys.length) await client.unlink(keys);
  client.destroy();
}
