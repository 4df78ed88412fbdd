// Trim floors against a real Redis (random namespace per test): a live floor keeps entries every
// group acknowledged, an expired one is removed and stops protecting, publications are on the
// Redis clock even when the local clock is skewed, refreshed on the interval and before this
// node's own trim, and released (deleted, or left to expire while something is still held).
import { createEvent, ErrorCode, silentLogger } from '@troupe/core';
import {
  cleanupRedisPrefix,
  connectRedis,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Consumer } from '../contract.js';
import { connect, type RedisConnection } from './connection.js';
import { createRedisTransport, type RedisTransport } from './redis-transport.js';
import { TrimFloors } from './trim-floors.js';

const url = redisUrl();
const A = 'floor.A';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describeWithRedis('trim floors (archive watermarks) on a real Redis', () => {
  let namespace: string;
  let t: RedisTransport;
  let redis: Awaited<ReturnType<typeof connectRedis>>;
  const opened: RedisTransport[] = [];

  async function transport(extra: Parameters<typeof createRedisTransport>[0] | object = {}) {
    const tr = await createRedisTransport({
      url,
      namespace,
      trimIntervalMs: 0,
      logger: silentLogger,
      ...extra,
    });
    opened.push(tr);
    return tr;
  }

  beforeEach(async () => {
    namespace = uniquePrefix('floor');
    redis = await connectRedis(url);
    t = await transport();
  });
  afterEach(async () => {
    for (const tr of opened.splice(0)) await tr.close();
    redis.destroy();
    await cleanupRedisPrefix(url, namespace);
  });

  async function redisNow(): Promise<number> {
    const [s, us] = await redis.sendCommand<[string, string]>(['TIME']);
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  }
  const field = async (holder: string) => {
    const v = await redis.sendCommand<string | null>(['HGET', t.keys.trimFloors, holder]);
    if (v === null) return undefined;
    const [floor, expires] = v.split(':').map(Number);
    return { floor: floor!, expires: expires! };
  };
  const xlen = async () => Number(await redis.sendCommand(['XLEN', t.keys.stream(A)]));

  /** Publish `n` events of type A and let group `g` read and acknowledge them all. */
  async function publishAcked(c: Consumer, n: number): Promise<string[]> {
    await t.publish(Array.from({ length: n }, (_, i) => createEvent({ type: A, data: { i } })));
    const ids: string[] = [];
    const deadline = Date.now() + 5000;
    while (ids.length < n && Date.now() < deadline)
      for (const d of await c.fetch(n - ids.length, 200)) {
        expect(await c.commit(d, [])).toBe('committed');
        ids.push(d.entryId);
      }
    expect(ids).toHaveLength(n);
    return ids;
  }

  it('a live floor keeps acknowledged entries at and above it; an expired one is removed and stops protecting', async () => {
    const c = await t.consume({
      group: 'g',
      types: [A],
      consumer: 'n1',
      visibilityTimeoutMs: 5000,
    });
    await publishAcked(c, 2);
    await sleep(5);
    const [firstOfB] = await publishAcked(c, 3);
    const floor = Number(firstOfB!.split('-')[0]);
    const now = await redisNow();
    await redis.sendCommand(['HSET', t.keys.trimFloors, 'live', `${floor}:${now + 60_000}`]);
    await redis.sendCommand(['HSET', t.keys.trimFloors, 'dead', `0:${now - 1}`]);
    await redis.sendCommand(['HSET', t.keys.trimFloors, 'garbage', 'not-a-floor']);
    expect(await t.trim([A])).toBe(2);
    expect(await xlen()).toBe(3);
    expect(await redis.sendCommand(['HKEYS', t.keys.trimFloors])).toEqual(['live']);
    // The live node dies: its floor is not refreshed past its expiry.
    await redis.sendCommand(['HSET', t.keys.trimFloors, 'live', `${floor}:${now - 1}`]);
    expect(await t.trim([A])).toBe(3);
    expect(await redis.sendCommand(['EXISTS', t.keys.trimFloors])).toBe(0);
  });

  it('never trims what a group still needs, whatever the floors say', async () => {
    const c = await t.consume({
      group: 'g',
      types: [A],
      consumer: 'n1',
      visibilityTimeoutMs: 60_000,
    });
    await t.publish([1, 2, 3].map((i) => createEvent({ type: A, data: { i } })));
    const [d] = await c.fetch(1, 1000);
    expect(d).toBeDefined();
    const now = await redisNow();
    await redis.sendCommand([
      'HSET',
      t.keys.trimFloors,
      'ahead',
      `${now + 60_000}:${now + 60_000}`,
    ]);
    expect(await t.trim([A])).toBe(0); // the first entry is pending
    expect(await xlen()).toBe(3);
  });

  it('holdTrim publishes on the Redis clock with an expiry of N intervals; release deletes it when nothing is held', async () => {
    const tr = await transport({ watermarkIntervalMs: 100, watermarkStaleIntervals: 3 });
    const before = await redisNow();
    const hold = tr.holdTrim('n1', () => undefined);
    await hold.ready;
    const after = await redisNow();
    const f = (await field('n1'))!;
    // Nothing held: the floor is "now" on the Redis clock, minus the 1000 ms default margin.
    expect(f.floor).toBeLessThanOrEqual(after - 1000);
    expect(f.floor).toBeGreaterThanOrEqual(before - 1000 - 50);
    expect(f.expires).toBeGreaterThanOrEqual(before + 300);
    expect(f.expires).toBeLessThanOrEqual(after + 300);
    expect(thrown(() => tr.holdTrim('n1', () => undefined))).toMatchObject({
      code: ErrorCode.InvalidOption,
    });
    await hold.release();
    expect(await field('n1')).toBeUndefined();
  });

  it('refreshes floors on the interval and right before its own trim', async () => {
    const tr = await transport({ watermarkIntervalMs: 50, watermarkMarginMs: 0 });
    let floor: number | undefined = performance.now() - 10_000;
    const hold = tr.holdTrim('n1', () => floor);
    await hold.ready;
    const first = (await field('n1'))!;
    floor = undefined; // everything written
    await sleep(250);
    const second = (await field('n1'))!;
    expect(second.floor).toBeGreaterThan(first.floor + 9000);
    expect(second.expires).toBeGreaterThan(first.expires);

    const slow = await transport({ watermarkIntervalMs: 60_000, watermarkMarginMs: 0 });
    let held: number | undefined = performance.now() - 20_000;
    await slow.holdTrim('n2', () => held).ready;
    const old = (await field('n2'))!;
    held = undefined;
    await slow.trim([A]);
    expect((await field('n2'))!.floor).toBeGreaterThan(old.floor + 19_000);
  });

  it('converts a skewed local clock to the Redis clock (offset bounded by the TIME round trip)', async () => {
    const conn: RedisConnection = await connect({
      url,
      maxReconnectDelayMs: 200,
      commandTimeoutMs: 2000,
      logger: silentLogger,
      name: 'floor-test',
    });
    try {
      const skew = 3_600_000; // this "node" runs an hour ahead
      const clock = () => performance.now() + skew;
      const floors = new TrimFloors(conn, t.keys.trimFloors, {
        intervalMs: 60_000,
        staleAfterMs: 60_000,
        marginMs: 0,
        logger: silentLogger,
        clock,
      });
      const before = await redisNow();
      const hold = floors.hold('skewed', () => clock() - 500); // needs entries from 500 ms ago
      await hold.ready;
      const after = await redisNow();
      const f = (await field('skewed'))!;
      expect(f.floor).toBeLessThanOrEqual(after - 500);
      expect(f.floor).toBeGreaterThanOrEqual(before - 500 - 50);
      await floors.close();
      expect(await field('skewed')).toMatchObject({ floor: expect.any(Number) }); // still held
    } finally {
      conn.destroy();
    }
  });

  it('close releases its holds: removed when nothing is held, left to expire when something is', async () => {
    const a = await transport();
    const b = await transport();
    await a.holdTrim('idle', () => undefined).ready;
    await b.holdTrim('busy', () => performance.now() - 1000).ready;
    const held = (await field('busy'))!;
    await a.close();
    await b.close();
    expect(await field('idle')).toBeUndefined();
    const left = (await field('busy'))!;
    expect(left.floor).toBeLessThanOrEqual(held.floor + 5);
    expect(left.expires).toBeGreaterThan(await redisNow());
    expect(thrown(() => a.holdTrim('late', () => undefined))).toMatchObject({
      code: ErrorCode.TransportUnavailable,
    });
  });

  it('a transport nobody holds publishes no floor', async () => {
    const c = await t.consume({
      group: 'g',
      types: [A],
      consumer: 'n1',
      visibilityTimeoutMs: 5000,
    });
    await publishAcked(c, 2);
    expect(await t.trim([A])).toBe(2);
    expect(await redis.sendCommand(['EXISTS', t.keys.trimFloors])).toBe(0);
  });

  it('refuses bad watermark options naming the field', async () => {
    for (const [o, field] of [
      [{ watermarkIntervalMs: 0 }, 'watermarkIntervalMs'],
      [{ watermarkStaleIntervals: 1 }, 'watermarkStaleIntervals'],
      [{ watermarkStaleIntervals: 2.5 }, 'watermarkStaleIntervals'],
      [{ watermarkMarginMs: -1 }, 'watermarkMarginMs'],
    ] as const)
      await expect(createRedisTransport({ url, namespace, ...o })).rejects.toMatchObject({
        code: ErrorCode.InvalidOption,
        data: { field },
      });
  });
});
