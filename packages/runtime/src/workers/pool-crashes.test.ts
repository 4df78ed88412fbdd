// Worker crashes in real threads: process.exit in a handler, an uncaught error from a timer,
// running out of heap under resourceLimits. Only the culprit fails (WORKER_CRASHED); everything
// else that shared its worker is re-run in isolation, uncharged; the process never dies.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@troupe/core';
import type { HandlerOutcome } from './contract.js';
import { makeTask } from './fixtures/make-task.js';
import { createWorkerPool } from './pool.js';
import type { TroupeWorkerPool } from './pool.js';

const failed = (o: HandlerOutcome | undefined) => {
  if (o === undefined || o.ok) throw new Error(`expected a failure, got ${JSON.stringify(o)}`);
  return o.error;
};

const workerErrors: unknown[] = [];
let pool: TroupeWorkerPool;
const tmp = mkdtempSync(join(tmpdir(), 'troupe-crash-'));

beforeAll(() => {
  pool = createWorkerPool({
    threads: 1,
    concurrentTasksPerWorker: 16,
    isolationThreads: 2,
    onWorkerError: (err) => workerErrors.push(err),
  });
});
afterAll(async () => {
  await pool.close(5_000);
  rmSync(tmp, { recursive: true, force: true });
});

describe('worker pool: crashes', () => {
  it('fails only the culprit when 20 innocents share its worker (same batch and another batch)', async () => {
    const before = pool.stats().replaced;
    const innocents = Array.from({ length: 10 }, (_, n) => makeTask('sleep', { ms: 150, n }));
    const otherBatch = pool.run(
      Array.from({ length: 10 }, (_, n) => makeTask('sleep', { ms: 150, n: 100 + n })),
    );
    const outcomes = await pool.run([
      ...innocents.slice(0, 5),
      makeTask('exits', { delayMs: 40 }),
      ...innocents.slice(5),
    ]);
    const other = await otherBatch;

    const culprit = failed(outcomes[5]);
    expect(culprit).toMatchObject({
      code: ErrorCode.WorkerCrashed,
      data: { reason: 'worker exited with code: 3' },
    });
    expect(culprit.retryable).toBe(true);
    expect(outcomes[5]!.isolated).toBe(true);
    for (const o of [...outcomes.slice(0, 5), ...outcomes.slice(6), ...other])
      expect(o).toMatchObject({ ok: true, isolated: true });
    expect(
      outcomes.filter((o) => o.ok).map((o) => o.ok && (o.emissions[0]!.data as { n: number }).n),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The main worker, then the culprit's isolation worker.
    expect(pool.stats().replaced).toBe(before + 2);
    expect(pool.stats().threads).toBe(1);
  }, 60_000);

  it('reports an uncaught error thrown from a timer as WORKER_CRASHED with its message', async () => {
    const [o, bystander] = await pool.run([
      makeTask('timer-throws'),
      makeTask('sleep', { ms: 100 }),
    ]);
    expect(failed(o)).toMatchObject({
      code: ErrorCode.WorkerCrashed,
      data: { reason: 'thrown from a timer' },
    });
    expect(bystander).toMatchObject({ ok: true, isolated: true });
  }, 60_000);

  it('survives a worker that throws after its handler returned (no task to blame): reported to onWorkerError', async () => {
    const file = join(tmp, 'late-throw.mjs');
    writeFileSync(
      file,
      'export default () => { setTimeout(() => { throw new Error("late throw"); }, 30); };\n',
    );
    const before = pool.stats().replaced;
    const [o] = await pool.run([{ ...makeTask('sleep'), handlerPath: file }]);
    expect(o!.ok).toBe(true);
    const deadline = Date.now() + 10_000;
    while (pool.stats().replaced === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(pool.stats().replaced).toBe(before + 1);
    expect(workerErrors.map((e) => (e as Error).message)).toContain('late throw');
    const [after] = await pool.run([makeTask('sleep', { ms: 1 })]);
    expect(after!.ok).toBe(true);
    expect(pool.stats().threads).toBe(1);
  }, 60_000);

  it('reports a worker over its heap limit (resourceLimits) as WORKER_CRASHED, ERR_WORKER_OUT_OF_MEMORY', async () => {
    const small = createWorkerPool({ threads: 1, resourceLimits: { maxOldGenerationSizeMb: 96 } });
    try {
      const [o, bystander] = await small.run([
        makeTask('out-of-memory'),
        makeTask('sleep', { ms: 50 }),
      ]);
      expect(failed(o)).toMatchObject({
        code: ErrorCode.WorkerCrashed,
        data: { errorCode: 'ERR_WORKER_OUT_OF_MEMORY' },
      });
      expect(bystander).toMatchObject({ ok: true, isolated: true });
      expect(small.stats().threads).toBe(1);
    } finally {
      await small.close(5_000);
    }
  }, 90_000);

  it('close() drains a crash through isolation before terminating both pools', async () => {
    const p = createWorkerPool({ threads: 1 });
    const pending = p.run([makeTask('exits', { delayMs: 30 }), makeTask('sleep', { ms: 100 })]);
    await new Promise((r) => setTimeout(r, 10));
    await p.close(30_000);
    const [culprit, bystander] = await pending;
    expect(failed(culprit).code).toBe(ErrorCode.WorkerCrashed);
    expect(bystander).toMatchObject({ ok: true, isolated: true });
    expect(p.stats()).toMatchObject({ threads: 0, isolationThreads: 0, inFlight: 0 });
  }, 60_000);
});
