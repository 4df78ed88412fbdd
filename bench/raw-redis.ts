// The raw baseline every Troupe figure is divided by: one process, node-redis, a k-hop chain where
// each hop does XREADGROUP COUNT 100 → the same JSON handler inline → XADD + XACK issued in one
// tick (auto-pipelined, not atomic). No workers, no retries, no dedupe: the floor to compare with.
// The sink is a plain XREAD reader of the last stream, like Troupe's `observe` on its side, so
// both chains are measured through the same kind of observer.
import { createClient } from 'redis';
import { nowUs, summarize, type Summary } from './stats.js';

export interface RawResult {
  throughput: number;
  /** Producer → sink latency of the saturated run. */
  sat: Summary;
  low: Summary;
}

/** The payload both sides carry: a counter, the hop count, ~160 bytes of text. */
export function makeData(n: number): { n: number; hop: number; text: string } {
  return { n, hop: 0, text: 'x'.repeat(160) };
}

/** The handler both sides run: parse, touch, stringify. */
export function jsonHandler(payload: string): string {
  const v = JSON.parse(payload) as { n: number; hop: number; text: string };
  v.hop++;
  return JSON.stringify(v);
}

async function connect(url: string) {
  const c = createClient({ url, RESP: 2 });
  await c.connect();
  return c;
}

type Client = Awaited<ReturnType<typeof connect>>;

/** Runs one k-hop chain until `total` events reached the sink; returns per-event latencies. */
async function chain(
  url: string,
  prefix: string,
  hops: number,
  total: number,
  window: number,
): Promise<{ seconds: number; lat: number[] }> {
  const streams = Array.from({ length: hops + 1 }, (_, i) => `${prefix}:s${i}`);
  const admin = await connect(url);
  for (const s of streams.slice(0, hops)) await admin.xGroupCreate(s, 'g', '0', { MKSTREAM: true });
  const clients: Client[] = [];
  let stop = false;
  const sent: number[] = [];
  const lat: number[] = [];
  let done = 0;
  // The producer parks here instead of spinning when the in-flight window is full.
  let wake: (() => void) | undefined;
  const progressed = (): Promise<void> => new Promise<void>((r) => (wake = r));

  const hopLoop = async (input: string, output: string): Promise<void> => {
    const c = await connect(url);
    clients.push(c);
    while (!stop) {
      const res = await c.xReadGroup('g', 'c', { key: input, id: '>' }, { COUNT: 100, BLOCK: 50 });
      const entries = res?.[0]?.messages ?? [];
      if (!entries.length) continue;
      const ids: string[] = [];
      const ps: Promise<unknown>[] = [];
      for (const e of entries) {
        ids.push(e.id);
        ps.push(c.xAdd(output, '*', { d: jsonHandler(e.message.d!) }));
      }
      ps.push(c.xAck(input, 'g', ids));
      await Promise.all(ps);
    }
  };
  const sinkLoop = async (input: string): Promise<void> => {
    const c = await connect(url);
    clients.push(c);
    let last = '0-0';
    while (!stop) {
      const res = await c.xRead({ key: input, id: last }, { COUNT: 100, BLOCK: 50 });
      const entries = res?.[0]?.messages ?? [];
      for (const e of entries) {
        last = e.id;
        const n = (JSON.parse(e.message.d!) as { n: number }).n;
        const t0 = sent[n];
        if (t0 !== undefined) lat.push(nowUs() - t0);
        done++;
      }
      if (entries.length) wake?.();
    }
  };
  const loops: Promise<void>[] = [];
  for (let i = 0; i < hops; i++) loops.push(hopLoop(streams[i]!, streams[i + 1]!));
  loops.push(sinkLoop(streams[hops]!));

  const producer = await connect(url);
  clients.push(producer);
  const t0 = nowUs();
  let n = 0;
  while (n < total) {
    if (n - done >= window) {
      await progressed();
      continue;
    }
    const batch = Math.min(100, window - (n - done), total - n);
    const ps: Promise<unknown>[] = [];
    for (let i = 0; i < batch; i++, n++) {
      sent[n] = nowUs();
      ps.push(producer.xAdd(streams[0]!, '*', { d: JSON.stringify(makeData(n)) }));
    }
    await Promise.all(ps);
  }
  while (done < total) await progressed();
  const seconds = (nowUs() - t0) / 1e6;
  stop = true;
  await Promise.all(loops);
  for (const c of clients) await c.quit();
  await admin.del(streams);
  await admin.quit();
  return { seconds, lat };
}

/** Saturated throughput (bounded window) and one-at-a-time latency of a k-hop chain. */
export async function runRaw(
  url: string,
  prefix: string,
  hops: number,
  sizes: { saturated: number; oneAtATime: number; window: number; warmup: number },
): Promise<RawResult> {
  if (sizes.warmup > 0) await chain(url, `${prefix}:warm${hops}`, hops, sizes.warmup, sizes.window);
  const sat = await chain(url, `${prefix}:sat${hops}`, hops, sizes.saturated, sizes.window);
  const low =
    sizes.oneAtATime > 0
      ? await chain(url, `${prefix}:low${hops}`, hops, sizes.oneAtATime, 1)
      : { seconds: 0, lat: [] };
  return {
    throughput: sizes.saturated / sat.seconds,
    sat: summarize(sat.lat),
    low: summarize(low.lat),
  };
}
