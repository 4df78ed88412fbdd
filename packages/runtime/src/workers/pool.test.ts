// The pool end to end in real worker threads: TypeScript handlers loaded through tsx, emissions
// and logs, error classes across the thread boundary, load errors, batching and task checks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, NonRetryableError, RetryAfterError, deserializeError } from '@troupe/core';
import type { HandlerOutcome } from './contract.js';
import { makeTask } from './fixtures/make-task.js';
import { createWorkerPool } from './pool.js';
import type { TroupeWorkerPool } from './pool.js';

const failed = (o: HandlerOutcome | undefined) => {
  if (o === undefined || o.ok) throw new Error(`expected a failure, got ${JSON.stringify(o)}`);
  return o.error;
};

let pool: TroupeWorkerPool;
const tmp = mkdtempSync(join(tmpdir(), 'troupe-pool-'));

beforeAll(() => {
  pool = createWorkerPool({ threads: 1, concurrentTasksPerWorker: 4, maxBatchSize: 8 });
});
afterAll(async () => {
  await pool.close(5_000);
  rmSync(tmp, { recursive: true, force: true });
});

describe('worker pool: handlers in worker threads', () => {
  it('runs a TypeScript handler that imports @troupe/core (defineAgent, createEvent): emissions and logs come back', async () => {
    const [o] = await pool.run([makeTask('emit-and-log', { question: 'why' })]);
    expect(o).toMatchObject({
      ok: true,
      emissions: [
        { type: 'answer.ready', data: { answer: 'WHY', probeId: 36 }, subject: 's1' },
        { type: 'answer.logged', data: { config: { rowLimit: 10 } } },
      ],
      logs: [
        {
          level: 'info',
          message: 'handling',
          fields: { question: 'why', attempt: 1, agent: 'test-agent' },
        },
        { level: 'debug', message: 'done' },
      ],
    });
    expect(o!.isolated).toBeUndefined();
  });

  it("runs one agent's batch (shared config, packed on the wire) with each task's own event and attempt", async () => {
    const config = { rowLimit: 3 };
    const tasks = ['a', 'b', 'c'].map((question, i) => ({
      ...makeTask('emit-and-log', { question }),
      attempt: i + 1,
      config,
    }));
    const outcomes = await pool.run(tasks);
    expect(outcomes.map((o) => (o.ok ? o.emissions.map((e) => e.data) : o.error))).toEqual(
      ['A', 'B', 'C'].map((answer) => [{ answer, probeId: 36 }, { config: { rowLimit: 3 } }]),
    );
    expect(outcomes.map((o) => o.logs[0]?.fields?.attempt)).toEqual([1, 2, 3]);
  });

  it('a packed batch whose shared config cannot be cloned fails each task alone, without a crash', async () => {
    const before = pool.stats().replaced;
    const config = { callback: () => 1 };
    const outcomes = await pool.run([
      makeTask('sleep', { ms: 1 }, { config }),
      makeTask('sleep', { ms: 1 }, { config }),
    ]);
    for (const o of outcomes)
      expect(failed(o)).toMatchObject({ code: ErrorCode.InvalidOption, retryable: false });
    expect(pool.stats().replaced).toBe(before);
  });

  it('reports a throw as HANDLER_FAILED with logs and without emissions', async () => {
    const [o] = await pool.run([makeTask('fails', { kind: 'plain' })]);
    expect(failed(o)).toMatchObject({
      code: ErrorCode.HandlerFailed,
      message: 'boom',
      retryable: true,
    });
    expect(o!.logs).toHaveLength(1);
  });

  it('keeps NonRetryableError and RetryAfterError classes across the thread boundary', async () => {
    const [nr, ra] = await pool.run([
      makeTask('fails', { kind: 'non-retryable' }),
      makeTask('fails', { kind: 'retry-after' }),
    ]);
    expect(deserializeError(failed(nr))).toBeInstanceOf(NonRetryableError);
    const retry = deserializeError(failed(ra));
    expect(retry).toBeInstanceOf(RetryAfterError);
    expect((retry as RetryAfterError).delayMs).toBe(1500);
  });

  it('reports HANDLER_LOAD for a missing file, no default export, a non-function default, a syntax error', async () => {
    const broken = join(tmp, 'syntax-error.ts');
    writeFileSync(broken, 'export default (event: unknown => {\n');
    const outcomes = await pool.run([
      makeTask('does-not-exist'),
      makeTask('no-default'),
      makeTask('default-not-function'),
      { ...makeTask('sleep'), handlerPath: broken },
    ]);
    for (const o of outcomes) {
      const err = failed(o);
      expect(err.code).toBe(ErrorCode.HandlerLoad);
      expect(err.retryable).toBe(false);
    }
    expect(failed(outcomes[3]).message).toMatch(/cannot load handler module .*syntax-error\.ts/);
    expect(pool.stats().replaced).toBe(0);
  });

  it('loads a TypeScript file in a CommonJS context (default.default)', async () => {
    // A package.json without "type": "module": tsx compiles the file as CommonJS, and import()
    // sees module.exports ({ default: fn }) as the default export.
    writeFileSync(join(tmp, 'package.json'), '{}\n');
    const file = join(tmp, 'cjs-handler.ts');
    writeFileSync(
      file,
      'export default (_event: unknown, ctx: { emit(t: string, d: unknown): void }) => { ctx.emit("from.cjs", { typeofModule: typeof module }); };\n',
    );
    const [o] = await pool.run([{ ...makeTask('sleep'), handlerPath: file }]);
    expect(o).toMatchObject({
      ok: true,
      emissions: [{ type: 'from.cjs', data: { typeofModule: 'object' } }],
    });
  });

  it('splits a batch larger than maxBatchSize and keeps the order', async () => {
    const tasks = Array.from({ length: 20 }, (_, n) => makeTask('sleep', { ms: 1, n }));
    const outcomes = await pool.run(tasks);
    expect(outcomes.map((o) => (o.ok ? (o.emissions[0]!.data as { n: number }).n : -1))).toEqual(
      tasks.map((_, n) => n),
    );
  });

  it('refuses a malformed task with INVALID_OPTION naming the field, and runs the rest', async () => {
    const outcomes = await pool.run([
      makeTask('sleep', { ms: 1 }),
      makeTask('sleep', { ms: 1 }, { timeoutMs: 0 }),
    ]);
    expect(outcomes[0]!.ok).toBe(true);
    expect(failed(outcomes[1])).toMatchObject({
      code: ErrorCode.InvalidOption,
      data: { field: 'tasks[1].timeoutMs' },
    });
  });

  it('refuses, alone and without a crash, a task that cannot be sent to a thread', async () => {
    const before = pool.stats().replaced;
    const [fine, unclonable] = await pool.run([
      makeTask('sleep', { ms: 1 }),
      makeTask('sleep', { ms: 1 }, { config: { callback: () => 1 } }),
    ]);
    expect(fine).toMatchObject({ ok: true, isolated: true });
    expect(failed(unclonable)).toMatchObject({ code: ErrorCode.InvalidOption, retryable: false });
    expect(failed(unclonable).message).toMatch(
      /cannot be sent to a worker thread: .*could not be cloned/,
    );
    expect(pool.stats().replaced).toBe(before);
  });

  it('resolves an empty batch at once', async () => {
    expect(await pool.run([])).toEqual([]);
  });
});

describe('worker pool: close', () => {
  it('drains in-flight work, then answers later runs with a closed TIMEOUT outcome', async () => {
    const p = createWorkerPool({ threads: 1 });
    const pending = p.run([makeTask('sleep', { ms: 100 })]);
    await new Promise((r) => setTimeout(r, 20));
    await p.close(10_000);
    expect((await pending)[0]!.ok).toBe(true);
    const [late] = await p.run([makeTask('sleep', { ms: 1 })]);
    expect(failed(late)).toMatchObject({ code: ErrorCode.Timeout, data: { closed: true } });
    expect(p.stats().threads).toBe(0);
  });

  it('stops waiting at the deadline: unfinished and queued invocations get the closed outcome', async () => {
    const p = createWorkerPool({ threads: 1, concurrentTasksPerWorker: 1 });
    const running = p.run([makeTask('never-settles', {}, { timeoutMs: 60_000 })]);
    const queued = p.run([makeTask('sleep', { ms: 1 })]);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.stats().queued).toBe(1);
    const started = performance.now();
    await p.close(300);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(failed((await running)[0])).toMatchObject({
      code: ErrorCode.Timeout,
      data: { closed: true },
    });
    expect(failed((await queued)[0])).toMatchObject({
      code: ErrorCode.Timeout,
      data: { closed: true },
    });
    expect(p.stats().replaced).toBe(0);
  });
});
