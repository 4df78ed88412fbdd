// Aggregator latency when a producer dead-letters (decision 0008): one event fans out to four
// agents (real worker threads), the fourth throws a NonRetryableError; the aggregator (timeout
// 60 s) learns from `troupe.deadlettered` that its type is ruled out. Latency = publish → the
// aggregate observed on the memory transport, per correlation, M correlations one after another.
// Before 0008 both runs below waited for the 60 s deadline. Run:
//   pnpm exec tsx packages/runtime/src/coordination/bench-ruling.ts [M=20]
import type { CloudEvent } from '@troupe/core';
import { createRuntime } from '../node/runtime.js';
import { sharedPool } from '../pipeline/testing.js';
import { createMemoryTransport } from '../transport/memory/index.js';
import { createWorkerPool } from '../workers/index.js';
import { aggregator, responder, warmResponders } from './testing.js';

const M = Number(process.argv[2] ?? 20);
const R = ['R1', 'R2', 'R3', 'R4'];
const pool = createWorkerPool({ threads: 2 });

/** The failing fourth reviewer, its breaker kept closed: an open breaker holds its events back
 * (nothing dead-lettered, so nothing ruled out) and the run would measure the breaker instead. */
function failing(out: string) {
  const m = responder('a4', 'Fan', { out, nonRetryable: true });
  const spec = {
    ...m.manifest.spec,
    breaker: { failureThreshold: 1_000_000, resetTimeoutMs: 1000 },
  };
  return { ...m, manifest: { ...m.manifest, spec } };
}

async function run(policy: 'count' | 'all'): Promise<{ ms: number[]; complete: boolean[] }> {
  const rt = createRuntime({
    transport: createMemoryTransport(),
    nodeId: 'bench',
    pool: sharedPool(pool),
    options: { workspace: false, fetchBlockMs: 100 },
  });
  await rt.apply([
    ...R.map((out, i) => (i === 3 ? failing(out) : responder(`a${i + 1}`, 'Fan', { out }))),
    aggregator('agg', {
      collect: R,
      quorum: policy === 'count' ? { policy: 'count', count: 3 } : { policy: 'all' },
      timeoutMs: 60_000,
      emits: 'Agg',
    }),
  ]);
  const ms: number[] = [];
  const complete: boolean[] = [];
  for (let i = 0; i < M; i++) {
    const t0 = performance.now();
    const { result } = await rt.request('Fan', { i }, { wait: ['Agg'], timeoutMs: 30_000 });
    ms.push(performance.now() - t0);
    complete.push((result as CloudEvent<{ complete: boolean }>).data.complete);
    await new Promise((r) => setTimeout(r, 50)); // let the late answers land
  }
  await rt.close({ deadlineMs: 5000 });
  return { ms, complete };
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

try {
  await warmResponders(pool);
  await run('count'); // warm-up, not reported
  for (const policy of ['count', 'all'] as const) {
    const { ms, complete } = await run(policy);
    console.log(
      `quorum ${policy === 'count' ? '3-of-4' : 'all'}, 4th reviewer dead-letters: publish -> aggregate median ${pct(ms, 0.5).toFixed(1)} ms, p95 ${pct(ms, 0.95).toFixed(1)} ms, complete ${complete.filter(Boolean).length}/${M} (M=${M}, timeoutMs 60000)`,
    );
  }
} finally {
  await pool.close(5000);
}
