// The shared observation reader against a real Redis: one connection for many observations
// (CLIENT LIST by name), streams reference-counted, nothing older than observe() delivered even
// when the reader lags (a gated reader makes the lag certain), and resuming from the last ids
// after the reader's connection was killed.
import { createEvent, ErrorCode, silentLogger, type CloudEvent } from '@troupe/core';
import { connectRedis, describeWithRedis, redisNamespaces, redisUrl } from '@troupe/test-support';
import { afterEach, expect, it } from 'vitest';
import { connect, type RedisConnection } from './connection.js';
import { keyLayout } from './keys.js';
import { ObserverHub } from './observer-hub.js';
import { createRedisTransport, type RedisTransport } from './redis-transport.js';

const url = redisUrl();
const settings = {
  url,
  maxBlockMs: 5000,
  blockTimeoutMarginMs: 5000,
  maxReconnectDelayMs: 200,
  commandTimeoutMs: 10_000,
  logger: silentLogger,
};
const ev = (type: string, data: unknown = {}): CloudEvent =>
  createEvent({ type, data, source: 'troupe://observer-hub-test' });

async function until(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/** Clients connected under `name` right now. */
async function clientsNamed(name: string): Promise<number> {
  const redis = await connectRedis(url);
  try {
    const list = await redis.sendCommand<string>(['CLIENT', 'LIST', 'TYPE', 'normal']);
    return list.split('\n').filter((l) => l.includes(` name=${name} `)).length;
  } finally {
    redis.destroy();
  }
}

describeWithRedis('redis observer hub', () => {
  const freshNs = redisNamespaces('obs');
  const opened: Array<{ close(): unknown }> = [];
  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.close();
  });

  async function transport(): Promise<{ t: RedisTransport; ns: string }> {
    const ns = freshNs();
    const t = await createRedisTransport({ url, namespace: ns, logger: silentLogger });
    opened.push(t);
    return { t, ns };
  }

  /** A hub over a fresh namespace; `gated`: every XREAD waits until `open()`. */
  async function hub(gated = false) {
    const keys = keyLayout(freshNs());
    const cmd = await connect({ ...settings, name: `${keys.ns}-cmd` });
    opened.push({ close: () => cmd.destroy() });
    let release: () => void = () => undefined;
    const gate = gated ? new Promise<void>((r) => (release = r)) : Promise.resolve();
    const readers: RedisConnection[] = [];
    const h = new ObserverHub(cmd, settings, async () => {
      const real = await connect({ ...settings, name: `${keys.ns}-reader` });
      readers.push(real);
      return {
        sendCommand: async (args, options) => {
          if (args[0] === 'XREAD') await gate;
          return real.sendCommand(args, options);
        },
        destroy: () => real.destroy(),
      };
    });
    opened.push(h);
    return {
      h,
      keys,
      cmd,
      readers,
      publish: (e: CloudEvent) =>
        cmd.sendCommand(['XADD', keys.stream(e.type), '*', 'e', JSON.stringify(e), 'i', e.id]),
      open: () => release(),
    };
  }

  it('200 concurrent observations on several types share one reader connection', async () => {
    const { t, ns } = await transport();
    const types = ['A', 'B', 'C', 'D', 'E'];
    const seen = Array.from({ length: 200 }, () => 0);
    const observations = await Promise.all(
      seen.map((_, i) => t.observe([types[i % 5]!], () => seen[i]!++)),
    );
    expect(await clientsNamed(`troupe-observe-${ns}`)).toBe(1);
    expect(await clientsNamed('troupe-observe')).toBe(0); // the name of the old per-wait readers
    await t.publish(types.map((type) => ev(type)));
    await until(() => seen.every((n) => n === 1));
    expect(seen.every((n) => n === 1)).toBe(true);
    for (const o of observations) await o.close();
    // More waits later reuse it: still one.
    const again = await t.observe(['A'], () => undefined);
    expect(await clientsNamed(`troupe-observe-${ns}`)).toBe(1);
    await again.close();
  });

  it('streams are reference-counted: a type leaves the read set with its last observation', async () => {
    const { h, keys } = await hub();
    const [a, b] = [keys.stream('A'), keys.stream('B')];
    const o1 = await h.observe([a, b], () => undefined);
    const o2 = await h.observe([a], () => undefined);
    expect([...h.keys].sort()).toEqual([a, b]);
    expect(h.size).toBe(2);
    await o1.close();
    expect(h.keys).toEqual([a]);
    await o1.close(); // idempotent: o2 keeps A
    expect(h.keys).toEqual([a]);
    await o2.close();
    expect(h.keys).toEqual([]);
    expect(h.size).toBe(0);
  });

  it('a new observation gets none of the entries a lagging reader has not read yet', async () => {
    const x = await hub(true);
    const early: CloudEvent[] = [];
    await x.h.observe([x.keys.stream('A')], (e) => early.push(e));
    const backlog = [ev('A', { n: 1 }), ev('A', { n: 2 }), ev('A', { n: 3 })];
    for (const e of backlog) await x.publish(e); // the reader's XREAD is held: it lags
    const late: CloudEvent[] = [];
    await x.h.observe([x.keys.stream('A')], (e) => late.push(e));
    const after = ev('A', { after: true });
    await x.publish(after);
    x.open();
    await until(() => early.length === 4 && late.length === 1);
    expect(early).toEqual([...backlog, after]);
    expect(late).toEqual([after]);
  });

  it('a stream joining a blocked read is read at once (the reader is unblocked)', async () => {
    const x = await hub();
    await x.h.observe([x.keys.stream('A')], () => undefined);
    await new Promise((r) => setTimeout(r, 100)); // blocked on A for up to 5 s
    const times: number[] = [];
    for (const type of ['B', 'C', 'D']) {
      const got: number[] = [];
      await x.h.observe([x.keys.stream(type)], () => got.push(Date.now()));
      const t0 = Date.now();
      await x.publish(ev(type));
      await until(() => got.length === 1, 4000);
      times.push((got[0] ?? Infinity) - t0);
    }
    for (const ms of times) expect(ms).toBeLessThan(1000);
  });

  it('after its connection was killed the reader resumes from its last ids, losing nothing', async () => {
    const x = await hub();
    const seen: CloudEvent[] = [];
    await x.h.observe([x.keys.stream('A'), x.keys.stream('B')], (e) => seen.push(e));
    const first = ev('A', { n: 1 });
    await x.publish(first);
    await until(() => seen.length === 1);
    const redis = await connectRedis(url);
    try {
      await redis.sendCommand(['CLIENT', 'KILL', 'ID', String(await readerId(x.keys.ns))]);
    } finally {
      redis.destroy();
    }
    const during = [ev('B', { n: 2 }), ev('A', { n: 3 })];
    for (const e of during) await x.publish(e);
    await until(() => seen.length === 3, 8000);
    expect(seen.map((e) => e.id).sort()).toEqual([first, ...during].map((e) => e.id).sort());
    expect(seen.filter((e) => e.type === 'A').map((e) => e.id)).toEqual([first.id, during[1]!.id]);
  });

  it('a reader that cannot connect fails that observe only; the next one connects', async () => {
    const keys = keyLayout(freshNs());
    const cmd = await connect({ ...settings, name: `${keys.ns}-cmd` });
    opened.push({ close: () => cmd.destroy() });
    let attempts = 0;
    const h = new ObserverHub(cmd, settings, () =>
      ++attempts === 1
        ? Promise.reject(new Error('connection refused'))
        : connect({ ...settings, name: `${keys.ns}-reader` }),
    );
    opened.push(h);
    await expect(h.observe([keys.stream('A')], () => undefined)).rejects.toThrow('refused');
    expect(h.size).toBe(0);
    const seen: CloudEvent[] = [];
    await h.observe([keys.stream('A')], (e) => seen.push(e));
    const e = ev('A');
    await cmd.sendCommand(['XADD', keys.stream('A'), '*', 'e', JSON.stringify(e)]);
    await until(() => seen.length === 1);
    expect(seen).toEqual([e]);
    expect(attempts).toBe(2);
  });

  it('when CLIENT UNBLOCK is refused a joining stream waits for the read to end, warned once', async () => {
    const keys = keyLayout(freshNs());
    const real = await connect({ ...settings, name: `${keys.ns}-cmd` });
    opened.push({ close: () => real.destroy() });
    const cmd: RedisConnection = {
      sendCommand: (args, options) =>
        args[0] === 'CLIENT' && args[1] === 'UNBLOCK'
          ? Promise.reject(
              new Error("NOPERM this user has no permissions to run the 'client' command"),
            )
          : real.sendCommand(args, options),
      destroy: () => real.destroy(),
    };
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
    const h = new ObserverHub(cmd, { ...settings, maxBlockMs: 400, logger }, () =>
      connect({ ...settings, name: `${keys.ns}-reader` }),
    );
    opened.push(h);
    await h.observe([keys.stream('A')], () => undefined);
    await new Promise((r) => setTimeout(r, 50));
    for (const type of ['B', 'C']) {
      const seen: CloudEvent[] = [];
      await h.observe([keys.stream(type)], (e) => seen.push(e));
      const e = ev(type);
      await real.sendCommand(['XADD', keys.stream(type), '*', 'e', JSON.stringify(e)]);
      await until(() => seen.length === 1, 2000); // within one block (400 ms) at the latest
      expect(seen).toEqual([e]);
    }
    expect(warnings.filter((w) => w.includes('CLIENT UNBLOCK'))).toHaveLength(1);
  });

  it('after close observe rejects with TRANSPORT_UNAVAILABLE and the reader is gone', async () => {
    const { t, ns } = await transport();
    await t.observe(['A'], () => undefined);
    await t.close();
    await expect(t.observe(['A'], () => undefined)).rejects.toMatchObject({
      code: ErrorCode.TransportUnavailable,
    });
    // destroy() is not awaited by Redis: give the server a moment to drop the socket.
    for (let i = 0; i < 50 && (await clientsNamed(`troupe-observe-${ns}`)) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await clientsNamed(`troupe-observe-${ns}`)).toBe(0);
  });
});

/** CLIENT ID of the connection named `<ns>-reader`. */
async function readerId(ns: string): Promise<string> {
  const redis = await connectRedis(url);
  try {
    const list = await redis.sendCommand<string>(['CLIENT', 'LIST', 'TYPE', 'normal']);
    const line = list.split('\n').find((l) => l.includes(` name=${ns}-reader `));
    const id = /(?:^|\s)id=(\d+)/.exec(line ?? '')?.[1];
    if (!id) throw new Error(`no reader connection named ${ns}-reader`);
    return id;
  } finally {
    redis.destroy();
  }
}
