// Bounded admission: never more than threads × concurrentTasksPerWorker batches inside Piscina,
// the rest wait in our FIFO and start in arrival order (no starvation).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTask } from './fixtures/make-task.js';
import { createWorkerPool } from './pool.js';
import type { TroupeWorkerPool } from './pool.js';

interface Slept {
  n: number;
  threadId: number;
  active: number;
  maxActive: number;
  startedAt: number;
}

let pool: TroupeWorkerPool;
beforeAll(async () => {
  pool = createWorkerPool({ threads: 2, concurrentTasksPerWorker: 3, maxBatchSize: 4 });
  await Promise.all([
    pool.run([makeTask('sleep', { ms: 200 })]),
    pool.run([makeTask('sleep', { ms: 200 })]),
  ]);
});
afterAll(() => pool.close(5_000));

describe('worker pool: admission', () => {
  it('keeps at most threads × concurrentTasksPerWorker batches in Piscina under a flood', async () => {
    let maxAdmitted = 0;
    let maxInFlight = 0;
    let sampling = true;
    const sample = (): void => {
      const s = pool.stats();
      maxAdmitted = Math.max(maxAdmitted, s.admittedBatches);
      maxInFlight = Math.max(maxInFlight, s.inFlight);
      if (sampling) setImmediate(sample);
    };
    sample();
    const runs = Array.from({ length: 60 }, (_, b) =>
      pool.run(Array.from({ length: 4 }, (_, i) => makeTask('sleep', { ms: 5, n: b * 4 + i }))),
    );
    expect(pool.stats().admittedBatches).toBe(6);
    expect(pool.stats().queued).toBe(54 * 4);
    const outcomes = (await Promise.all(runs)).flat();
    sampling = false;
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(maxAdmitted).toBe(6);
    expect(maxInFlight).toBeLessThanOrEqual(6 * 4);
    // Seen from inside the threads: never more than 3 batches × 4 invocations on one thread.
    const slept = outcomes.map((o) => (o.ok ? (o.emissions[0]!.data as Slept) : undefined));
    expect(Math.max(...slept.map((s) => s!.active))).toBeLessThanOrEqual(12);
    expect(pool.stats()).toMatchObject({ inFlight: 0, queued: 0, admittedBatches: 0 });
  });

  it('starts waiting batches in arrival order', async () => {
    const runs = Array.from({ length: 18 }, (_, n) => pool.run([makeTask('sleep', { ms: 40, n })]));
    const starts = (await Promise.all(runs)).map((o) =>
      o[0]!.ok ? (o[0]!.emissions[0]!.data as Slept).startedAt : NaN,
    );
    // Six run at a time: each wave of six starts no earlier than the wave before it.
    for (let n = 6; n < starts.length; n++)
      expect(starts[n]).toBeGreaterThanOrEqual(starts[n - 6]! + 30);
  });
});
