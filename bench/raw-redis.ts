// The raw baseline every Troupe figure is divided by: one process, node-redis, a k-hop chain where
// each hop does XREADGROUP COUNT 100 → the same JSON handler inline → XADD + XACK issued in one
// tick (auto-pipelined, not atomic). No workers, no retries, no dedupe: the floor to compare with.
import { createClient, type RedisClientType } from 'redis';
import { nowUs, summarize, type Summary } from './stats.js';

export interface RawResult {
  throughput: number;
  low: Summary;
}

type Client = RedisClientType;

/** The handler both sides run: parse, touch, stringify. */
export function jsonHandler(payload: string): string {
  const v = JSON.parse(payload) as { n: number; hop: number; text: string };
  v.hop++;
  return JSON.stringify(v);
}

export function makePayload(n: number): string {
  return JSON.stringify({ n, hop: 0, text: 'x'.repeat(160) });
}

async function connect(url: string): Promise<Client> {
  const c: Client = createClient({ url, RESP: 2 });
  await c.connect();
  return c;
}

/** Runs one k-hop chain until `total` events reached the sink; returns per-event latencies. */
async function chain(url: string, prefix: string, hops: number, total: number, window: number): Promise<{ seconds: number; lat: number[] }> {
  const streams = Array.from({ length: hops + 1 }, (_, i) => `${prefix}:s${i}`);
  const admin = await connect(url);
  for (const s of streams) await admin.xGroupCreate(s, 'g', '0', { MKSTREAM: true });
  const clients: Client[] = [];
  let stop = false;
  const sent = new Map<number, number>();
  const lat: number[] = [];
  let done = 0;
  let resolveDone: () => void = () => undefined;
  const finished = new Promise<void>((r) => (resolveDone = r));

  const hopLoop = async (input: string, output: string | undefined): Promise<void> => {
    const c = await connect(url);
    clients.push(c);
    while (!stop) {
      const res = await c.xReadGroup('g', 'c', { key: input, id: '>' }, { COUNT: 100, BLOCK: 50 });
      if (!res) continue;
      const entries = res[0]?.messages ?? [];
      if (!entries.length) continue;
      const ids: string[] = [];
      const ps: Promise<unknown>[] = [];
      for (const e of entries) {
        ids.push(e.id);
        const d = e.message.d!;
        if (output) ps.push(c.xAdd(output, '*', { d: jsonHandler(d) }));
        else {
          const n = (JSON.parse(d) as { n: number }).n;
          const t0 = sent.get(n);
          if (t0 !== undefined) lat.push(nowUs() - t0);
          done++;
        }
      }
      ps.push(c.xAck(input, 'g', ids));
      await Promise.all(ps);
      if (!output && done >= total) resolveDone();
    }
  };
  const loops: Promise<void>[] = [];
  for (let i = 0; i < hops; i++) loops.push(hopLoop(streams[i]!, streams[i + 1]));
  loops.push(hopLoop(streams[hops]!, undefined));

  const producer = await connect(url);
  clients.push(producer);
  const t0 = nowUs();
  let n = 0;
  while (n < total) {
    if (n - done >= window) {
      await new Promise((r) => setImmediate(r));
      continue;
    }
    const batch = Math.min(window === 1 ? 1 : 100, total - n);
    const ps: Promise<unknown>[] = [];
    for (let i = 0; i < batch; i++, n++) {
      sent.set(n, nowUs());
      ps.push(producer.xAdd(streams[0]!, '*', { d: makePayload(n) }));
    }
    await Promise.all(ps);
    if (window === 1) while (done < n) await new Promise((r) => setImmediate(r));
  }
  await finished;
  const seconds = (nowUs() - t0) / 1e6;
  stop = true;
  await Promise.all(loops);
  for (const c of clients) await c.quit();
  for (const s of streams) await admin.del(s);
  await admin.quit();
  return { seconds, lat };
}

/** Saturated throughput (window 1000) and one-at-a-time latency for a k-hop chain. */
export async function runRaw(url: string, prefix: string, hops: number, total: number, lowCount: number): Promise<RawResult> {
  const sat = await chain(url, `${prefix}:sat${hops}`, hops, total, 1000);
  const low = await chain(url, `${prefix}:low${hops}`, hops, lowCount, 1);
  return { throughput: total / sat.seconds, low: summarize(low.lat) };
}
