// Aggregator latency, quorum vs all: one event fans out to four agents (real worker threads),
// the fourth answers after SLOW ms; an aggregator with quorum count 3 and one with quorum all
// collect the four answers. Latency = from the first collected event seen to the aggregate
// seen (observed on the transport), per correlation, M correlations one after another, on the
// memory transport. Run:
//   pnpm exec tsx packages/runtime/src/coordination/bench-aggregator.ts [M=20] [SLOW=200]
import type { CloudEvent } from '@troupe/core';
import { createRuntime } from '../node/runtime.js';
import { sharedPool } from '../pipeline/testing.js';
import { createMemoryTransport } from '../transport/memory/index.js';
import { createWorkerPool } from '../workers/index.js';
import { aggregator, responder, warmResponders } from './testing.js';

const M = Number(process.argv[2] ?? 20);
const SLOW = Number(process.argv[3] ?? 200);
const R = ['R1', 'R2', 'R3', 'R4'];
const pool = createWorkerPool({ threads: 2 });

async function run(policy: 'count' | 'all'): Promise<number[]> {
  const rt = createRuntime({
    transport: createMemoryTransport(),
    nodeId: 'bench',
    pool: sharedPool(pool),
    options: { workspace: false, fetchBlockMs: 100 },
  });
  await rt.apply([
    ...R.map((out, i) =>
      responder(`a${i + 1}`, 'Fan', { out, ...(i === 3 ? { sleepMs: SLOW } : {}) }),
    ),
    aggregator('agg', {
      collect: R,
      quorum: policy === 'count' ? { policy: 'count', count: 3 } : { policy: 'all' },
      timeoutMs: 60_000,
      emits: 'Agg',
    }),
  ]);
  const first = new Map<string, number>();
  const latency = new Map<string, number>();
  await rt.transport.observe([...R, 'Agg'], (e: CloudEvent) => {
    const now = performance.now();
    if (e.type === 'Agg') latency.set(e.correlationid, now - first.get(e.correlationid)!);
    else if (!first.has(e.correlationid)) first.set(e.correlationid, now);
  });
  const out: number[] = [];
  for (let i = 0; i < M; i++) {
    const { request } = await rt.request('Fan', { i }, { wait: ['Agg'], timeoutMs: 30_000 });
    // Let the slow fourth answer land before the next round (quorum runs would overlap otherwise).
    await new Promise((r) => setTimeout(r, SLOW + 50));
    out.push(latency.get(request.correlationid)!);
  }
  await rt.close({ deadlineMs: 5000 });
  return out;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

try {
  await warmResponders(pool);
  await run('count'); // warm-up, not reported
  for (const policy of ['count', 'all'] as const) {
    const xs = await run(policy);
    console.log(
      `quorum ${policy === 'count' ? '3-of-4' : 'all'}: first collected -> aggregate median ${pct(xs, 0.5).toFixed(1)} ms, p95 ${pct(xs, 0.95).toFixed(1)} ms (M=${M}, slow agent ${SLOW} ms)`,
    );
  }
} finally {
  await pool.close(5000);
}
