// Archive overhead on the 1-hop benchmark: N events into one agent (real worker threads, the
// responder fixture) that emits one event each, on the memory transport, with the archive off
// and on (SQLite file in a temp dir), alternating in the same process and pool. Prints events/s
// of each run, the medians and the on/off ratio. Run:
//   pnpm exec tsx packages/runtime/src/archive/bench-archive.ts [N=5000] [rounds=3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from '@troupe/core';
import { responder, warmResponders } from '../coordination/testing.js';
import { createRuntime } from '../node/runtime.js';
import { sharedPool } from '../pipeline/testing.js';
import { createMemoryTransport } from '../transport/memory/index.js';
import { createWorkerPool } from '../workers/index.js';
import { createEventArchive } from './event-archive.js';

const N = Number(process.argv[2] ?? 5000);
const ROUNDS = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'troupe-bench-archive-'));
const pool = createWorkerPool({ threads: 2 });

let lastStats = '';

async function once(archiveOn: boolean, round: number): Promise<number> {
  const archive = archiveOn
    ? await createEventArchive({ filename: join(dir, `archive-${round}.db`) })
    : undefined;
  const rt = createRuntime({
    transport: createMemoryTransport(),
    nodeId: 'bench',
    pool: sharedPool(pool),
    options: { workspace: false, ...(archive ? { archive } : {}) },
  });
  const hop = responder('hop', 'In', { out: 'Out' });
  hop.manifest.spec.concurrency = 64;
  await rt.apply([hop]);
  let seen = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  await rt.transport.observe(['Out'], () => {
    if (++seen === N) done();
  });
  const events = Array.from({ length: N }, (_, i) => createEvent({ type: 'In', data: { i } }));
  const t0 = performance.now();
  for (let i = 0; i < N; i += 500) await rt.transport.publish(events.slice(i, i + 500));
  await all;
  const s = (performance.now() - t0) / 1000;
  if (archive) {
    await archive.flush();
    const st = archive.stats();
    if (st.dropped > 0 || st.eventsWritten < 2 * N || st.outcomesWritten < N)
      throw new Error(`archive incomplete: ${JSON.stringify(st)}`);
    lastStats = ` (run ${(s * 1000).toFixed(0)} ms; ${st.flushes} flushes, ${st.writeMs.toFixed(0)} ms writing in the writer thread)`;
  }
  await rt.close({ deadlineMs: 5000 });
  return N / s;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  // Warm the threads (tsx, fixture) and the JIT with one unmeasured run.
  await warmResponders(pool);
  await once(false, -1);
  const off: number[] = [];
  const on: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    off.push(await once(false, r));
    on.push(await once(true, r));
    console.log(
      `round ${r + 1}: archive off ${off[r]!.toFixed(0)} ev/s, on ${on[r]!.toFixed(0)} ev/s${lastStats}`,
    );
  }
  const mOff = median(off);
  const mOn = median(on);
  console.log(
    `1-hop memory, N=${N}: median off ${mOff.toFixed(0)} ev/s, on ${mOn.toFixed(0)} ev/s, on/off = ${(mOn / mOff).toFixed(3)}`,
  );
} finally {
  await pool.close(5000);
  rmSync(dir, { recursive: true, force: true });
}
