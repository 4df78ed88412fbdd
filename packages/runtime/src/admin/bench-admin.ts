// Publish-and-wait latency of a 1-hop system (Ping → ponger → Pong) through the admin API
// (HTTP POST /v1/events with `wait`, keep-alive fetch) against in-process `runtime.request`
// (what `agentctl run` does), on the same node in the same run, in alternating rounds so both
// see the same machine load. Sequential requests: this measures latency, not throughput.
// Then a concurrent phase: C `runtime.request` calls at once (total time, per-request p50/p99
// and, on Redis, the most observation connections seen open meanwhile, sampled by CLIENT LIST).
// Run: `pnpm exec tsx packages/runtime/src/admin/bench-admin.ts [N=500] [memory|redis] [C=200]`.
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { createRedisTransport } from '../transport/redis/index.js';
import { BASE_YAML, startTestNode } from './testing.js';

const N = Number(process.argv[2] ?? 500);
const KIND = process.argv[3] === 'redis' ? 'redis' : 'memory';
const C = Number(process.argv[4] ?? 200);
const ROUNDS = 5;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function report(name: string, ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `${name.padEnd(26)} n=${s.length}  p50 ${pct(s, 50).toFixed(2)} ms  p90 ${pct(s, 90).toFixed(2)} ms  p99 ${pct(s, 99).toFixed(2)} ms  mean ${mean.toFixed(2)} ms`;
}

/** C requests at once, 3 rounds; on Redis the peak of open observation connections. */
async function concurrent(request: () => Promise<number>): Promise<void> {
  const admin = KIND === 'redis' ? createClient({ url: REDIS_URL, RESP: 2 }) : undefined;
  await admin?.connect();
  let peak = 0;
  let sampling = true;
  const sample = async (): Promise<void> => {
    while (sampling && admin) {
      const list = await admin.sendCommand<string>(['CLIENT', 'LIST', 'TYPE', 'normal']);
      // Before: one `troupe-observe` connection per wait; after: one `troupe-observe-<ns>`.
      const n = list.split('\n').filter((l) => / name=troupe-observe(-\S+)? /.test(l)).length;
      peak = Math.max(peak, n);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const sampler = sample();
  try {
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      const each = await Promise.all(Array.from({ length: C }, () => request()));
      const total = performance.now() - t0;
      console.log(
        `${report(`${C} concurrent, round ${r + 1}`, each)}  total ${total.toFixed(1)} ms`,
      );
    }
  } finally {
    sampling = false;
    await sampler;
    admin?.destroy();
  }
  if (admin) console.log(`observation connections open at most (sampled): ${peak}`);
}

const namespace = `bench-admin-${randomBytes(4).toString('hex')}`;
const node = await startTestNode(
  KIND === 'redis'
    ? {
        transport: await createRedisTransport({
          url: REDIS_URL,
          namespace,
        }),
      }
    : {},
);
try {
  const applied = await node.call('/v1/manifests', {
    method: 'POST',
    json: { files: [{ path: 'base.yaml', text: BASE_YAML }] },
  });
  if (applied.status !== 200) throw new Error(`apply failed: ${await applied.text()}`);
  const http = async (): Promise<number> => {
    const t0 = performance.now();
    const res = await node.call('/v1/events', {
      method: 'POST',
      json: { type: 'Ping', data: { text: 'x' }, wait: ['Pong'], timeoutMs: 10_000 },
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    await res.json();
    return performance.now() - t0;
  };
  const inProcess = async (): Promise<number> => {
    const t0 = performance.now();
    await node.runtime.request('Ping', { text: 'x' }, { wait: ['Pong'], timeoutMs: 10_000 });
    return performance.now() - t0;
  };
  for (let i = 0; i < 100; i++) await (i % 2 ? http() : inProcess()); // warm-up: threads, JIT, sockets
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < N / ROUNDS; i++) a.push(await inProcess());
    for (let i = 0; i < N / ROUNDS; i++) b.push(await http());
  }
  console.log(`publish-and-wait, 1 hop, ${KIND} transport, ${N} sequential requests each`);
  console.log(report('in-process runtime.request', a));
  console.log(report('HTTP admin API', b));
  const p50 = (xs: number[]): number =>
    pct(
      [...xs].sort((x, y) => x - y),
      50,
    );
  console.log(`HTTP overhead at p50: ${(p50(b) - p50(a)).toFixed(2)} ms`);
  await concurrent(inProcess);
} finally {
  await node.close();
  if (KIND === 'redis') {
    // The namespace is this run's own: remove every key under it.
    const client = createClient({ url: REDIS_URL, RESP: 2 });
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${namespace}:*`, COUNT: 500 }))
      if (keys.length) await client.unlink(keys);
    client.destroy();
  }
}
