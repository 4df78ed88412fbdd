// Handler timeouts in real worker threads: a cooperative handler ends through ctx.signal and
// keeps its worker; a handler that never settles or spins in synchronous code gets its worker
// terminated and replaced, and the pool keeps working with its thread count restored.
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

let pool: TroupeWorkerPool;
const tmp = mkdtempSync(join(tmpdir(), 'troupe-timeouts-'));
beforeAll(async () => {
  pool = createWorkerPool({
    threads: 2,
    concurrentTasksPerWorker: 8,
    timeoutGraceMs: 200,
    loadTimeoutMs: 1_500,
  });
  // Warm both threads so that timings below measure timeouts, not tsx start-up.
  await Promise.all([
    pool.run([makeTask('sleep', { ms: 300 })]),
    pool.run([makeTask('sleep', { ms: 300 })]),
  ]);
});
afterAll(async () => {
  await pool.close(5_000);
  rmSync(tmp, { recursive: true, force: true });
});

describe('worker pool: timeouts', () => {
  it('aborts ctx.signal at timeoutMs; a cooperative handler ends with HANDLER_TIMEOUT and its worker lives on', async () => {
    const started = performance.now();
    const [o] = await pool.run([makeTask('cooperative-timeout', {}, { timeoutMs: 100 })]);
    const took = performance.now() - started;
    expect(failed(o)).toMatchObject({ code: ErrorCode.HandlerTimeout, data: { timeoutMs: 100 } });
    expect(took).toBeGreaterThanOrEqual(95);
    expect(took).toBeLessThan(300);
    expect(pool.stats().replaced).toBe(0);
  });

  it('terminates and replaces a worker stuck in while(true); the pool keeps working with its threads restored', async () => {
    const before = pool.stats().replaced;
    const started = performance.now();
    const [o] = await pool.run([makeTask('busy-loop', {}, { timeoutMs: 150 })]);
    const took = performance.now() - started;
    const err = failed(o);
    expect(err).toMatchObject({ code: ErrorCode.HandlerTimeout, data: { timeoutMs: 150 } });
    expect(err.message).toMatch(/worker thread was terminated/);
    // timeout + grace, plus at most one watchdog sweep and the thread's exit.
    expect(took).toBeGreaterThanOrEqual(350);
    expect(took).toBeLessThan(1_500);
    expect(pool.stats()).toMatchObject({ threads: 2, replaced: before + 1, inFlight: 0 });
    const after = await pool.run(
      Array.from({ length: 4 }, (_, n) => makeTask('sleep', { ms: 5, n })),
    );
    expect(after.every((x) => x.ok)).toBe(true);
  });

  it('terminates the worker of a handler that ignores ctx.signal and never settles', async () => {
    const before = pool.stats().replaced;
    const [o] = await pool.run([makeTask('never-settles', {}, { timeoutMs: 100 })]);
    expect(failed(o).code).toBe(ErrorCode.HandlerTimeout);
    expect(pool.stats().replaced).toBe(before + 1);
    expect(pool.stats().threads).toBe(2);
  });

  it('blames only the overrunning handler: invocations sharing its worker are re-run in isolation and succeed', async () => {
    // A never-settling culprit next to short handlers that settle long before its deadline.
    const tasks = [
      makeTask('sleep', { ms: 10, n: 0 }),
      makeTask('never-settles', {}, { timeoutMs: 150 }),
      makeTask('sleep', { ms: 400, n: 2 }, { timeoutMs: 2_000 }),
    ];
    const outcomes = await pool.run(tasks);
    expect(failed(outcomes[1]).code).toBe(ErrorCode.HandlerTimeout);
    expect(outcomes[1]!.isolated).toBeUndefined();
    // Settled ones lose their result with the worker and are re-run; the still-running one too.
    expect(outcomes[0]).toMatchObject({ ok: true, isolated: true });
    expect(outcomes[2]).toMatchObject({ ok: true, isolated: true });
  });

  it('when a spinning handler freezes co-running ones past their deadline too, isolation finds the culprit', async () => {
    // One thread with both modules loaded: all three start together with the same timeout, the
    // spin freezes the thread, so at the watchdog's sweep all three are overdue. They are
    // suspects, re-run one per thread, and only the spinning one times out again.
    const single = createWorkerPool({ threads: 1, timeoutGraceMs: 200 });
    try {
      await single.run([makeTask('sleep', { ms: 1 }), makeTask('busy-loop', { spin: false })]);
      const outcomes = await single.run([
        makeTask('sleep', { ms: 30, n: 0 }, { timeoutMs: 150 }),
        makeTask('busy-loop', {}, { timeoutMs: 150 }),
        makeTask('sleep', { ms: 30, n: 2 }, { timeoutMs: 150 }),
      ]);
      expect(failed(outcomes[1])).toMatchObject({ code: ErrorCode.HandlerTimeout });
      expect(outcomes[1]!.isolated).toBe(true);
      expect(outcomes[0]).toMatchObject({ ok: true, isolated: true });
      expect(outcomes[2]).toMatchObject({ ok: true, isolated: true });
      expect(single.stats()).toMatchObject({ threads: 1, isolationThreads: 1, replaced: 2 });
    } finally {
      await single.close(5_000);
    }
  }, 60_000);

  it('does not charge module loading to timeoutMs', async () => {
    const file = join(tmp, 'slow-load.mjs');
    writeFileSync(
      file,
      'await new Promise((r) => setTimeout(r, 400));\nexport default (event, ctx) => ctx.emit("loaded", {});\n',
    );
    const [o] = await pool.run([{ ...makeTask('sleep'), handlerPath: file, timeoutMs: 100 }]);
    expect(o).toMatchObject({ ok: true, emissions: [{ type: 'loaded' }] });
  });

  it('terminates a thread whose handler module never finishes loading (loadTimeoutMs)', async () => {
    const file = join(tmp, 'hangs-on-load.mjs');
    writeFileSync(file, 'for (;;) {}\nexport default () => {};\n');
    const before = pool.stats().replaced;
    const started = performance.now();
    const [o] = await pool.run([{ ...makeTask('sleep'), handlerPath: file, timeoutMs: 100 }]);
    expect(failed(o)).toMatchObject({
      code: ErrorCode.HandlerTimeout,
      data: { timeoutMs: 1_500, phase: 'load' },
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(pool.stats().replaced).toBe(before + 1);
  });
});
