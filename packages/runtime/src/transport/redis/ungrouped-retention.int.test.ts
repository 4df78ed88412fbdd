// Streams no consumer group reads, on a real Redis (random namespace per test; decision 0010):
// trimmed to what is younger than `ungroupedRetentionMs`, never below a live archive trim floor,
// not at all with retention 0; grouped streams ignore the retention; the janitor's default list
// covers the types this node appended (published, committed, dead-lettered emissions). Old
// entries are appended with explicit ids in the past, so no test sleeps out a retention.
import { createEvent, ErrorCode, silentLogger, type CloudEvent } from '@troupe/core';
import {
  cleanupRedisPrefix,
  connectRedis,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Consumer } from '../contract.js';
import type { RedisTransportOptions } from './redis-options.js';
import { createRedisTransport, type RedisTransport } from './redis-transport.js';

const url = redisUrl();
const IN = 'ret.In';
const DONE = 'ret.Done';
const SYS = 'ret.Sys';

describeWithRedis('ungrouped stream retention on a real Redis', () => {
  let namespace: string;
  let redis: Awaited<ReturnType<typeof connectRedis>>;
  const opened: RedisTransport[] = [];

  async function transport(extra: Partial<RedisTransportOptions> = {}): Promise<RedisTransport> {
    const t = await createRedisTransport({
      url,
      namespace,
      trimIntervalMs: 0,
      watermarkMarginMs: 0,
      logger: silentLogger,
      ...extra,
    });
    opened.push(t);
    return t;
  }

  beforeEach(async () => {
    namespace = uniquePrefix('ret');
    redis = await connectRedis(url);
  });
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.close();
    redis.destroy();
    await cleanupRedisPrefix(url, namespace);
  });

  async function redisNow(): Promise<number> {
    const [s, us] = await redis.sendCommand<[string, string]>(['TIME']);
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  }
  const key = (type: string) => `${namespace}:ev:${type}`;
  const xlen = async (type: string) => Number(await redis.sendCommand(['XLEN', key(type)]));
  /** Append one entry per age (ms before now, oldest first) with an explicit id in the past. */
  async function appendAged(type: string, ages: readonly number[]): Promise<void> {
    const now = await redisNow();
    for (const age of ages) {
      const e = createEvent({ type, data: { age } });
      await redis.sendCommand(['XADD', key(type), `${now - age}-0`, 'e', JSON.stringify(e)]);
    }
  }
  /** Event ids of the entries left in a stream. */
  async function left(type: string): Promise<string[]> {
    const raw = await redis.sendCommand<[string, string[]][]>(['XRANGE', key(type), '-', '+']);
    return raw.map(([, f]) => (JSON.parse(f[f.indexOf('e') + 1]!) as CloudEvent).id);
  }
  async function collect(c: Consumer, n: number) {
    const out = [];
    const deadline = Date.now() + 5000;
    while (out.length < n && Date.now() < deadline)
      out.push(...(await c.fetch(n - out.length, 200)));
    return out;
  }

  it('a type nobody consumes keeps what is younger than the retention; the default list covers published types', async () => {
    const t = await transport({ ungroupedRetentionMs: 30_000 });
    await appendAged(DONE, [300_000, 120_000, 60_000]);
    await appendAged(DONE, [10_000]); // younger than the retention
    const fresh = [createEvent({ type: DONE, data: {} }), createEvent({ type: DONE, data: {} })];
    await t.publish(fresh);
    expect(await xlen(DONE)).toBe(6);
    expect(await t.trim()).toBe(3); // no consumer here: DONE is listed because it was published
    expect(await xlen(DONE)).toBe(3);
    expect((await left(DONE)).slice(1)).toEqual(fresh.map((e) => e.id));
    expect(await t.trim()).toBe(0);
    // A group created later from the start sees only what the retention kept (decision 0010).
    const late = await t.consume({
      group: 'late',
      types: [DONE],
      consumer: 'n1',
      visibilityTimeoutMs: 5000,
      startFrom: 'earliest',
    });
    expect((await collect(late, 3)).map((d) => d.event.id).slice(1)).toEqual(
      fresh.map((e) => e.id),
    );
  });

  it('the default list covers emissions this node committed and dead-lettered', async () => {
    const t = await transport({ ungroupedRetentionMs: 30_000 });
    await appendAged(DONE, [120_000, 60_000]);
    await appendAged(SYS, [90_000]);
    const c = await t.consume({
      group: 'g',
      types: [IN],
      consumer: 'n1',
      visibilityTimeoutMs: 5000,
    });
    const other = await transport({ ungroupedRetentionMs: 30_000 }); // publishes IN only
    await other.publish([createEvent({ type: IN, data: {} }), createEvent({ type: IN, data: {} })]);
    const [a, b] = await collect(c, 2);
    const done = createEvent({ type: DONE, data: {} });
    const sys = createEvent({ type: SYS, data: {} });
    expect(await c.commit(a!, [done])).toBe('committed');
    await c.deadLetter(b!, { reason: 'non-retryable', attempts: 1 }, [sys]);
    // The other node appended IN only: it trims the acknowledged IN entries, not DONE or SYS.
    expect(await other.trim()).toBe(2);
    expect(await xlen(DONE)).toBe(3);
    expect(await xlen(SYS)).toBe(2);
    expect(await t.trim()).toBe(2 + 1); // DONE and SYS by age
    expect(await left(DONE)).toEqual([done.id]);
    expect(await left(SYS)).toEqual([sys.id]);
    expect(await xlen(IN)).toBe(0);
  });

  it("the default list covers its groups' retry streams: settled retries are trimmed, a pending one stays", async () => {
    const t = await transport({ retryPollMs: 50 });
    const c = await t.consume({
      group: 'g',
      types: [IN],
      consumer: 'n1',
      visibilityTimeoutMs: 5000,
    });
    await t.publish([createEvent({ type: IN, data: {} })]);
    const error = { name: 'Error', code: 'TEST', message: 'again', data: {}, retryable: true };
    let [d] = await collect(c, 1);
    for (let attempt = 1; attempt < 3; attempt++) {
      await c.retry(d!, 0, error);
      [d] = await collect(c, 1);
      expect(d!.attempt).toBe(attempt + 1);
    }
    const retryKey = t.keys.retry('g');
    expect(Number(await redis.sendCommand(['XLEN', retryKey]))).toBe(2);
    // The second retry is still pending: only the first (acknowledged by the retry) goes.
    expect(await t.trim()).toBe(1 + 1); // the acknowledged IN entry and the first retry
    expect(Number(await redis.sendCommand(['XLEN', retryKey]))).toBe(1);
    expect(await c.commit(d!, [])).toBe('committed');
    expect(await t.trim()).toBe(1);
    expect(Number(await redis.sendCommand(['XLEN', retryKey]))).toBe(0);
    expect(await t.trim([IN])).toBe(0); // an explicit list names event types only
  });

  it('a live archive trim floor still protects unflushed entries of a stream nobody reads', async () => {
    const t = await transport({ ungroupedRetentionMs: 1 });
    await appendAged(DONE, [300_000, 120_000, 60_000]);
    let unflushedSince: number | undefined = performance.now() - 200_000;
    await t.holdTrim('node-1', () => unflushedSince).ready;
    expect(await t.trim([DONE])).toBe(1); // only the entry below the floor
    expect(await xlen(DONE)).toBe(2);
    // The archive wrote everything: the floor moves to "now" (within the TIME round trip).
    unflushedSince = undefined;
    expect(await t.trim([DONE])).toBe(2);
    expect(await xlen(DONE)).toBe(0);
  });

  it('an expired floor stops protecting an ungrouped stream and is removed', async () => {
    const t = await transport({ ungroupedRetentionMs: 1 });
    await appendAged(DONE, [120_000, 60_000]);
    const now = await redisNow();
    await redis.sendCommand(['HSET', t.keys.trimFloors, 'dead', `0:${now - 1}`]);
    await redis.sendCommand(['HSET', t.keys.trimFloors, 'live', `${now - 90_000}:${now + 60_000}`]);
    expect(await t.trim([DONE])).toBe(1);
    expect(await redis.sendCommand(['HKEYS', t.keys.trimFloors])).toEqual(['live']);
  });

  it('retention 0 keeps every entry of a stream nobody reads', async () => {
    const t = await transport({ ungroupedRetentionMs: 0 });
    await appendAged(DONE, [3_600_000, 60_000]);
    await t.publish([createEvent({ type: DONE, data: {} })]);
    expect(await t.trim()).toBe(0);
    expect(await t.trim([DONE])).toBe(0);
    expect(await xlen(DONE)).toBe(3);
  });

  it('a grouped stream ignores the retention: what a group has not read stays, however old', async () => {
    const t = await transport({ ungroupedRetentionMs: 1 });
    const c = await t.consume({
      group: 'g',
      types: [IN],
      consumer: 'n1',
      visibilityTimeoutMs: 5000,
      startFrom: 'earliest',
    });
    await appendAged(IN, [300_000, 120_000, 60_000]);
    expect(await t.trim()).toBe(0);
    expect(await xlen(IN)).toBe(3);
    const [first] = await collect(c, 1);
    expect(await c.commit(first!, [])).toBe('committed');
    expect(await t.trim()).toBe(1); // the acknowledged one only
    for (const d of await collect(c, 2)) await c.commit(d, []);
    expect(await t.trim()).toBe(2);
  });

  it('a stream key that does not exist or is not a stream trims nothing', async () => {
    const t = await transport({ ungroupedRetentionMs: 1 });
    expect(await t.trim(['ret.Missing'])).toBe(0);
    await redis.sendCommand(['SET', key('ret.NotAStream'), 'x']);
    expect(await t.trim(['ret.NotAStream'])).toBe(0);
  });

  it('the janitor trims published ungrouped types by itself', async () => {
    const t = await transport({ ungroupedRetentionMs: 1, trimIntervalMs: 50 });
    await t.publish([createEvent({ type: DONE, data: {} }), createEvent({ type: DONE, data: {} })]);
    const deadline = Date.now() + 5000;
    while ((await xlen(DONE)) > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    expect(await xlen(DONE)).toBe(0);
  });

  it('refuses a bad ungroupedRetentionMs naming the field', async () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '600000'])
      await expect(
        createRedisTransport({
          url,
          namespace,
          ungroupedRetentionMs: bad as number,
        }),
      ).rejects.toMatchObject({
        code: ErrorCode.InvalidOption,
        data: { field: 'ungroupedRetentionMs' },
      });
  });
});
