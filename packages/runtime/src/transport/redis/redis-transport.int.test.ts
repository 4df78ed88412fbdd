// The Redis Streams transport against a real Redis: the shared conformance suite (random
// namespace per run, keys removed after), then what only Redis needs: recovery from NOGROUP
// after a flush and after a restart of an own redis-server (AOF), stale pending entries whose
// stream entry was trimmed, trimming that keeps unacknowledged entries, heartbeat via XCLAIM
// JUSTID not spending attempts, and reconnecting after the server went away.
import { createEvent, ErrorCode, silentLogger } from '@troupe/core';
import {
  cleanupRedisPrefix,
  connectRedis,
  describeWithRedis,
  redisAvailable,
  redisUrl,
  startRedisServer,
  uniquePrefix,
} from '@troupe/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTransportConformance } from '../conformance.js';
import type { Consumer, Transport } from '../contract.js';
import { createRedisTransport, type RedisTransport } from './redis-transport.js';

const url = redisUrl();

// The suite registers itself at top level; when Redis is absent the describeWithRedis below
// prints the loud skip banner (or fails under TROUPE_REQUIRE_SERVICES=1).
if (await redisAvailable(url)) {
  await runTransportConformance('redis', async () => {
    const namespace = uniquePrefix('conf');
    const open: Transport[] = [];
    const make = async () => {
      const t = await createRedisTransport({
        url,
        namespace,
        retryPollMs: 100,
        logger: silentLogger,
      });
      open.push(t);
      return t;
    };
    const transport = await make();
    return {
      transport,
      features: transport.features,
      reopen: make,
      cleanup: async () => {
        for (const t of open) await t.close();
        await cleanupRedisPrefix(url, namespace);
      },
    };
  });
}

const A = 'spec.A';
const consumerOf = (t: Transport, group: string, name = 'node-1', vt = 300): Promise<Consumer> =>
  t.consume({ group, types: [A], consumer: name, visibilityTimeoutMs: vt });

async function collect(c: Consumer, n: number, timeoutMs = 5000) {
  const out = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n && Date.now() < deadline) out.push(...(await c.fetch(n - out.length, 200)));
  return out;
}

describeWithRedis('redis transport specifics', () => {
  let namespace: string;
  let t: RedisTransport;
  beforeEach(async () => {
    namespace = uniquePrefix('spec');
    t = await createRedisTransport({
      url,
      namespace,
      retryPollMs: 100,
      trimIntervalMs: 0,
      logger: silentLogger,
    });
  });
  afterEach(async () => {
    await t.close();
    await cleanupRedisPrefix(url, namespace);
  });

  it('rejects bad options naming the field, and an unreachable server as TRANSPORT_UNAVAILABLE', async () => {
    await expect(createRedisTransport({ url: 'http://x' })).rejects.toMatchObject({
      code: ErrorCode.InvalidOption,
      message: expect.stringContaining('url'),
    });
    await expect(createRedisTransport({ url, namespace: 'a b' })).rejects.toMatchObject({
      code: ErrorCode.InvalidOption,
    });
    await expect(createRedisTransport({ url, maxBlockMs: -1 })).rejects.toThrow(/maxBlockMs/);
    await expect(
      createRedisTransport({
        url: 'redis://127.0.0.1:1',
        commandTimeoutMs: 500,
        logger: silentLogger,
      }),
    ).rejects.toMatchObject({ code: ErrorCode.TransportUnavailable });
  });

  it('heartbeat (XCLAIM … JUSTID) resets idle time without spending attempts', async () => {
    const c = await consumerOf(t, 'g');
    await t.publish([createEvent({ type: A, data: {} })]);
    const [d] = await c.fetch(1, 1000);
    const redis = await connectRedis(url);
    try {
      await new Promise((r) => setTimeout(r, 150));
      for (let i = 0; i < 3; i++) await c.heartbeat([d!]);
      const rows = await redis.sendCommand<unknown[][]>([
        'XPENDING',
        t.keys.stream(A),
        'g',
        '-',
        '+',
        '10',
      ]);
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]![2])).toBeLessThan(100); // idle reset
      expect(Number(rows[0]![3])).toBe(1); // delivery counter untouched
    } finally {
      redis.destroy();
    }
  });

  it('fetch-time dedupe finds entries without the id field (other producers) by their JSON', async () => {
    const c = await consumerOf(t, 'g');
    const e1 = createEvent({ type: A, data: { n: 1 } });
    const e2 = createEvent({ type: A, data: { n: 2 } });
    await t.publish([e1]);
    const [d] = await collect(c, 1);
    expect(await c.commit(d!, [])).toBe('committed');
    const redis = await connectRedis(url);
    try {
      for (const e of [e1, e2])
        await redis.sendCommand(['XADD', t.keys.stream(A), '*', 'e', JSON.stringify(e)]);
      const got = await collect(c, 1);
      expect(got.map((x) => x.event.id)).toEqual([e2.id]);
      expect(await c.fetch(10, 100)).toEqual([]);
      const summary = await redis.sendCommand<unknown[]>(['XPENDING', t.keys.stream(A), 'g']);
      expect(Number(summary[0])).toBe(1); // e2 only: the copy of e1 was acknowledged
    } finally {
      redis.destroy();
    }
  });

  it('a zombie heartbeat does not take back an entry another consumer reclaimed', async () => {
    const zombie = await consumerOf(t, 'g', 'node-1');
    const live = await consumerOf(t, 'g', 'node-2');
    await t.publish([createEvent({ type: A, data: {} })]);
    const [z] = await zombie.fetch(1, 1000);
    const [l] = await collect(live, 1);
    expect(l!.attempt).toBe(2);
    await zombie.heartbeat([z!]);
    const redis = await connectRedis(url);
    try {
      const rows = await redis.sendCommand<unknown[][]>([
        'XPENDING',
        t.keys.stream(A),
        'g',
        '-',
        '+',
        '10',
      ]);
      expect(String(rows[0]![1])).toBe('node-2');
    } finally {
      redis.destroy();
    }
  });

  it('pending entries whose stream entry was trimmed are acknowledged away, not retried forever', async () => {
    const c1 = await consumerOf(t, 'g', 'node-1');
    await t.publish([1, 2, 3].map((i) => createEvent({ type: A, data: { i } })));
    expect(await collect(c1, 3)).toHaveLength(3);
    await c1.close();
    const redis = await connectRedis(url);
    try {
      await redis.sendCommand(['XTRIM', t.keys.stream(A), 'MAXLEN', '0']); // an unsafe trim by someone else
      const c2 = await consumerOf(t, 'g', 'node-2');
      await new Promise((r) => setTimeout(r, 400));
      expect(await c2.fetch(10, 500)).toEqual([]);
      expect(t.staleEntries).toBe(3);
      const summary = await redis.sendCommand<unknown[]>(['XPENDING', t.keys.stream(A), 'g']);
      expect(Number(summary[0])).toBe(0);
    } finally {
      redis.destroy();
    }
  });

  it('trimming keeps every entry some group has not acknowledged', async () => {
    const c1 = await consumerOf(t, 'g1');
    const c2 = await consumerOf(t, 'g2', 'node-1', 60_000);
    const events = Array.from({ length: 10 }, (_, i) => createEvent({ type: A, data: { i } }));
    await t.publish(events);
    for (const d of await collect(c1, 10)) await c1.commit(d, []);
    const five = await collect(c2, 5);
    for (const d of five.slice(0, 3)) await c2.commit(d, []);
    expect(await t.trim([A])).toBe(3);
    const redis = await connectRedis(url);
    try {
      expect(Number(await redis.sendCommand(['XLEN', t.keys.stream(A)]))).toBe(7);
    } finally {
      redis.destroy();
    }
    for (const d of five.slice(3)) expect(await c2.commit(d, [])).toBe('committed');
    const rest = await collect(c2, 5);
    expect(rest.map((d) => d.event.id)).toEqual(events.slice(5).map((e) => e.id));
    for (const d of rest) await c2.commit(d, []);
    expect(await t.trim([A])).toBe(7);
  });
});

describe('redis transport with its own redis-server', () => {
  it('recreates consumer groups after FLUSHALL (NOGROUP) and keeps consuming', async () => {
    const server = await startRedisServer({ aof: true });
    const tr = await createRedisTransport({
      url: server.url,
      retryPollMs: 100,
      logger: silentLogger,
    });
    try {
      const c = await consumerOf(tr, 'g');
      await tr.publish([createEvent({ type: A, data: { n: 1 } })]);
      const [d] = await collect(c, 1);
      expect(await c.commit(d!, [])).toBe('committed');
      const redis = await connectRedis(server.url);
      await redis.sendCommand(['FLUSHALL']);
      redis.destroy();
      const e2 = createEvent({ type: A, data: { n: 2 } });
      await tr.publish([e2]);
      const got = await collect(c, 1, 5000);
      // The flush lost the group and the entry appended before it was recreated is read from 0.
      expect(got.map((x) => x.event.id)).toEqual([e2.id]);
      expect(await c.commit(got[0]!, [])).toBe('committed');
    } finally {
      await tr.close();
      await server.stop();
    }
  });

  it('fails fast when Redis hangs (SIGSTOP): outstanding commands time out, the connection is reset', async () => {
    const server = await startRedisServer({ aof: false });
    const tr = await createRedisTransport({
      url: server.url,
      commandTimeoutMs: 400,
      trimIntervalMs: 0,
      logger: silentLogger,
    });
    try {
      await tr.publish([createEvent({ type: A, data: { n: 1 } })]);
      server.kill('SIGSTOP'); // the socket stays open; nothing answers
      const t0 = Date.now();
      const err = await tr.publish([createEvent({ type: A, data: { n: 2 } })]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({
        code: ErrorCode.TransportUnavailable,
        message: expect.stringContaining('timed out'),
      });
      expect(Date.now() - t0).toBeLessThan(4000); // 400 ms + watchdog ticks, with room for load
      server.kill('SIGCONT');
      await tr.publish([createEvent({ type: A, data: { n: 3 } })]); // a fresh connection
      const redis = await connectRedis(server.url);
      try {
        expect(Number(await redis.sendCommand(['XLEN', tr.keys.stream(A)]))).toBeGreaterThanOrEqual(
          2,
        );
      } finally {
        redis.destroy();
      }
    } finally {
      server.kill('SIGCONT');
      await tr.close();
      await server.stop();
    }
  });

  it('survives a redis-server crash and restart (AOF): reconnects, keeps pending and unread entries', async () => {
    const server = await startRedisServer({ aof: true, appendfsync: 'always' });
    const tr = await createRedisTransport({
      url: server.url,
      retryPollMs: 100,
      maxReconnectDelayMs: 200,
      logger: silentLogger,
    });
    try {
      const c = await consumerOf(tr, 'g');
      const [e1, e2] = [
        createEvent({ type: A, data: { n: 1 } }),
        createEvent({ type: A, data: { n: 2 } }),
      ];
      await tr.publish([e1, e2]);
      const [first] = await c.fetch(1, 1000);
      expect(first!.event.id).toBe(e1.id);
      server.kill('SIGKILL');
      const during = await c.fetch(10, 300); // Redis is down: no crash, no busy loop
      expect(during).toEqual([]);
      await server.restart();
      const got = await collect(c, 2, 10_000);
      expect(got.map((d) => d.event.id).sort()).toEqual([e1.id, e2.id].sort());
      expect(got.find((d) => d.event.id === e1.id)!.attempt).toBe(2);
      for (const d of got) expect(await c.commit(d, [])).toBe('committed');
      await tr.publish([createEvent({ type: A, data: { n: 3 } })]);
      expect(await collect(c, 1)).toHaveLength(1);
    } finally {
      await tr.close();
      await server.stop();
    }
  });
});
