// Where the saturated in-memory tail comes from: drives the 1-hop chain like troupe-chain.ts
// (window 1000) and prints, for the slowest 1 % of events, how they spread over the run, plus
// the GC pauses and event-loop stalls of the same run. Run:
// `pnpm exec tsx bench/tail-probe.ts [events] [knobs-json]`.
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import type { CloudEvent } from '@troupe/core';
import { createMemoryTransport } from '@troupe/runtime';
import { makeData } from './raw-redis.js';
import { nowUs } from './stats.js';
import { TroupeChain, type TroupeKnobs, type } from './troupe-chain.js';

const total = Number(process.argv[2] ?? 100_000);
const knobs = JSON.parse(
  process.argv[3] ??
    '{"concurrency":512,"maxInFlight":1024,"pool":{"threads":2,"concurrentTasksPerWorker":16,"maxBatchSize":64}}',
) as TroupeKnobs;
const window = 1000;

const transport = createMemoryTransport();
const sent = new Float64Array(total);
const lat = new Float64Array(total);
let done = 0;
let wake: (() => void) | undefined;
await transport.observe([type(1)], (e: CloudEvent) => {
  const n = (e.data as { n: number }).n;
  if (n >= 0) lat[n] = nowUs() - sent[n]!;
  done++;
  wake?.();
});
const chain = await TroupeChain.start(transport, 1, knobs);
const progressed = (): Promise<void> => new Promise<void>((r) => (wake = r));

// Warm-up with n = -1 (not tracked).
for (let i = 0; i < 20_000; i += 100) {
  await Promise.all(
    Array.from({ length: 100 }, () => chain.runtime.publish(type(0), { ...makeData(0), n: -1 })),
  );
  while (i + 100 - done > window) await progressed();
}
while (done < 20_000) await progressed();
const base = done;

const gcs: { at: number; ms: number; kind: number }[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    gcs.push({
      at: e.startTime,
      ms: e.duration,
      kind: (e as unknown as { detail: { kind: number } }).detail.kind,
    });
});
obs.observe({ entryTypes: ['gc'] });
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const t0 = nowUs();
const perf0 = performance.now();
let published = 0;
while (published < total) {
  const unfinished = published - (done - base);
  if (unfinished >= window) {
    await progressed();
    continue;
  }
  const batch = Math.min(100, window - unfinished, total - published);
  const ps: Promise<unknown>[] = [];
  for (let i = 0; i < batch; i++, published++) {
    sent[published] = nowUs();
    ps.push(chain.runtime.publish(type(0), makeData(published)));
  }
  await Promise.all(ps);
}
while (done - base < total) await progressed();
const seconds = (nowUs() - t0) / 1e6;
loop.disable();
obs.disconnect();

const sorted = Float64Array.from(lat).sort();
const q = (p: number): number => sorted[Math.min(total - 1, Math.floor(p * total))]! / 1000;
console.log(
  `${Math.round(total / seconds)} events/s; latency ms p50 ${q(0.5).toFixed(1)} p90 ${q(0.9).toFixed(1)} p99 ${q(0.99).toFixed(1)} max ${q(1).toFixed(1)}`,
);
const p99 = sorted[Math.floor(0.99 * total)]!;
const buckets = new Array<number>(20).fill(0);
for (let i = 0; i < total; i++) if (lat[i]! >= p99) buckets[Math.floor((i / total) * 20)]!++;
console.log(`slowest 1 % by position in the run (20 buckets): ${buckets.join(' ')}`);
const slowSends = [...lat.keys()].filter((i) => lat[i]! >= p99).map((i) => (sent[i]! - t0) / 1000);
console.log(
  `their send times (ms into the run): first ${slowSends[0]?.toFixed(0)}, spans: ${clusters(slowSends).join(', ')}`,
);
const big = gcs.filter((g) => g.at >= perf0).sort((a, b) => b.ms - a.ms);
console.log(
  `GC: ${big.length} pauses, total ${big.reduce((s, g) => s + g.ms, 0).toFixed(0)} ms; longest: ${big
    .slice(0, 6)
    .map((g) => `${g.ms.toFixed(0)} ms (kind ${g.kind}) at ${(g.at - perf0).toFixed(0)}`)
    .join('; ')}`,
);
const byKind = new Map<number, number>();
for (const g of big) byKind.set(g.kind, (byKind.get(g.kind) ?? 0) + g.ms);
console.log(
  `GC ms by kind (1 minor, 2 major, 4 incremental, 8 weak callbacks): ${JSON.stringify(Object.fromEntries(byKind))}`,
);
console.log(
  `event loop delay ms: p50 ${(loop.percentile(50) / 1e6).toFixed(1)} p99 ${(loop.percentile(99) / 1e6).toFixed(1)} max ${(loop.max / 1e6).toFixed(1)}`,
);
await chain.close();

function clusters(ts: number[]): string[] {
  const out: string[] = [];
  let start = ts[0];
  let prev = ts[0];
  for (const t of ts.slice(1)) {
    if (t - prev! > 50) {
      out.push(`${start!.toFixed(0)}–${prev!.toFixed(0)}`);
      start = t;
    }
    prev = t;
  }
  if (start !== undefined) out.push(`${start.toFixed(0)}–${prev!.toFixed(0)}`);
  return out.slice(0, 12);
}
