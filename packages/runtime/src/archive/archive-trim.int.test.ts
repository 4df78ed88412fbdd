// Stream trimming respects the archive's watermark (decision 0007), on a real Redis (random
// namespace per test) with a real SQLite archive: entries every group acknowledged stay while
// the archive has not written them (flush not run yet, a publish still in flight, the database
// down) and are trimmed once written; the runtime node publishes its hold under its node id and
// removes it on close; a node without an archive holds nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent, type CloudEvent, silentLogger } from '@troupe/core';
import {
  cleanupRedisPrefix,
  connectRedis,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createRuntime } from '../node/runtime.js';
import type { Consumer } from '../transport/contract.js';
import { createRedisTransport, type RedisTransport } from '../transport/redis/redis-transport.js';
import { createEventArchive, type EventArchive } from './event-archive.js';
import { withArchive } from './runtime-hooks.js';

const url = redisUrl();
const A = 'wm.A';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithRedis('trimming with the event archive on a real Redis', () => {
  let namespace: string;
  let dir: string;
  let t: RedisTransport;
  let archive: EventArchive;
  let redis: Awaited<ReturnType<typeof connectRedis>>;
  let reader: Consumer;

  beforeEach(async () => {
    namespace = uniquePrefix('wm');
    dir = mkdtempSync(join(tmpdir(), 'troupe-wm-'));
    redis = await connectRedis(url);
    // Margin 0: the tests compare against entry ids directly (the default adds 1 s of slack).
    t = await createRedisTransport({
      url,
      namespace,
      trimIntervalMs: 0,
      watermarkMarginMs: 0,
      logger: silentLogger,
    });
    archive = await createEventArchive({
      filename: join(dir, 'archive.db'),
      flushIntervalMs: 60_000,
      batchSize: 100_000,
    });
    reader = await t.consume({ group: 'g', types: [A], consumer: 'r', visibilityTimeoutMs: 5000 });
  });
  afterEach(async () => {
    await t.close();
    await archive.close();
    redis.destroy();
    rmSync(dir, { recursive: true, force: true });
    await cleanupRedisPrefix(url, namespace);
  });

  const batch = (n: number, tag: string): CloudEvent[] =>
    Array.from({ length: n }, (_, i) => createEvent({ type: A, data: { tag, i } }));
  const xlen = async () => Number(await redis.sendCommand(['XLEN', t.keys.stream(A)]));
  /** The group reads and acknowledges `n` entries: only the archive can keep them now. */
  async function ackAll(n: number): Promise<void> {
    let done = 0;
    const deadline = Date.now() + 5000;
    while (done < n && Date.now() < deadline)
      for (const d of await reader.fetch(n - done, 200)) {
        await reader.commit(d, []);
        done++;
      }
    expect(done).toBe(n);
  }

  it('keeps acknowledged entries the archive has not written; trims them once it has', async () => {
    const archived = withArchive(t, archive, 'node-1');
    await archived.publish(batch(5, 'a'));
    await ackAll(5);
    await sleep(5);
    expect(await t.trim([A])).toBe(0);
    expect(await xlen()).toBe(5);
    await archive.flush();
    await sleep(5);
    expect(await t.trim([A])).toBe(5);
    expect(await archive.events({ types: [A] })).toHaveLength(5);
  });

  it('a publish still in flight (events not handed to the archive yet) holds the trim', async () => {
    let open!: () => void;
    const release = new Promise<void>((r) => (open = r));
    // The XADDs land at once, but the call resolves only when the test says so.
    const slow = new Proxy(t, {
      get(target, prop) {
        if (prop === 'publish')
          return async (events: readonly CloudEvent[]) => {
            await target.publish(events);
            await release;
          };
        const v: unknown = Reflect.get(target, prop);
        return typeof v === 'function' ? (v as () => unknown).bind(target) : v;
      },
    });
    const archived = withArchive(slow, archive, 'node-1');
    const publishing = archived.publish(batch(3, 'slow'));
    await ackAll(3);
    await sleep(5);
    expect(await t.trim([A])).toBe(0);
    open();
    await publishing;
    expect(archive.stats().buffered).toBe(3);
    expect(await t.trim([A])).toBe(0);
    await archive.flush();
    await sleep(5);
    expect(await t.trim([A])).toBe(3);
  });

  it('while the database is down the watermark stops: nothing at or after it is trimmed', async () => {
    const archived = withArchive(t, archive, 'node-1');
    await archived.publish(batch(2, 'written'));
    await archive.flush();
    await sleep(5);
    await archive.db.schema.renameTable(archive.tables.events, 'moved_away');
    await archived.publish(batch(3, 'stuck'));
    await ackAll(5);
    await archive.flush();
    expect(archive.stats().lastError).toBeDefined();
    await sleep(5);
    await archived.publish(batch(1, 'later')); // appended after W: kept too
    await ackAll(1);
    expect(await t.trim([A])).toBe(2); // only what was written before the failure
    expect(await xlen()).toBe(4);
    await sleep(20);
    expect(await t.trim([A])).toBe(0); // time passing does not move it
    await archive.db.schema.renameTable('moved_away', archive.tables.events);
    await archive.flush();
    await sleep(5);
    expect(await t.trim([A])).toBe(4);
  });

  it('the runtime node holds trimming under its node id; close removes the hold; no archive, no hold', async () => {
    const rt = createRuntime({
      transport: t,
      nodeId: 'wired-node',
      options: { archive, workspace: false, pool: { threads: 1 } },
    });
    const floors = async () =>
      redis.sendCommand<string[]>(['HKEYS', (rt.transport as RedisTransport).keys.trimFloors]);
    const deadline = Date.now() + 2000;
    while (!(await floors()).includes('wired-node') && Date.now() < deadline) await sleep(10);
    expect(await floors()).toEqual(['wired-node']);
    await rt.close();
    expect(await floors()).toEqual([]);

    const other = await createRedisTransport({
      url,
      namespace,
      trimIntervalMs: 0,
      logger: silentLogger,
    });
    const plain = createRuntime({
      transport: other,
      nodeId: 'no-archive',
      options: { workspace: false, pool: { threads: 1 } },
    });
    await other.trim([A]);
    expect(await floors()).toEqual([]);
    await plain.close();
  });
});
