// The worker-side logic, run on the main thread with plain import(): context, emissions, logs,
// error serialization, cooperative timeouts, load errors and the slot table protocol.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, deserializeError, NonRetryableError, RetryAfterError } from '@troupe/core';
import type { HandlerOutcome } from './contract.js';
import { makeTask } from './fixtures/make-task.js';
import { MAX_LOG_RECORDS } from './handler-context.js';
import { SLOT_STATE, SLOT_THREAD, SLOT_WORDS, SlotState } from './protocol.js';
import { createWorkerRuntime, serializeHandlerError } from './worker-runtime.js';

const runtime = createWorkerRuntime({ importModule: (url) => import(url) });
const one = async (task: ReturnType<typeof makeTask>): Promise<HandlerOutcome> =>
  (await runtime.runBatch({ slotBase: 0, tasks: [task] }))[0]!;
const failed = (o: HandlerOutcome) => {
  if (o.ok) throw new Error(`expected a failure, got ${JSON.stringify(o)}`);
  return o.error;
};

const tmp = mkdtempSync(join(tmpdir(), 'troupe-worker-runtime-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('worker runtime', () => {
  it('runs a handler with its context and returns emissions and logs', async () => {
    const o = await one(
      makeTask('emit-and-log', { question: 'hi' }, { attempt: 2, agent: 'nl2sql' }),
    );
    expect(o.ok).toBe(true);
    if (!o.ok) return;
    expect(o.emissions).toEqual([
      { type: 'answer.ready', data: { answer: 'HI', probeId: 36 }, subject: 's1' },
      { type: 'answer.logged', data: { config: { rowLimit: 10 } } },
    ]);
    expect(o.logs).toEqual([
      {
        level: 'info',
        message: 'handling',
        fields: { question: 'hi', attempt: 2, agent: 'nl2sql' },
      },
      { level: 'debug', message: 'done' },
    ]);
    expect(o.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs a batch concurrently and answers in order', async () => {
    const started = performance.now();
    const out = await runtime.runBatch({
      slotBase: 0,
      tasks: [
        makeTask('sleep', { ms: 80, n: 1 }),
        makeTask('fails', { kind: 'plain' }),
        makeTask('sleep', { ms: 80, n: 3 }),
      ],
    });
    expect(performance.now() - started).toBeLessThan(150);
    expect(out.map((o) => o.ok)).toEqual([true, false, true]);
    expect(out[2]!.ok && (out[2]!.emissions[0]!.data as { n: number }).n).toBe(3);
  });

  it('drops emissions of a failed handler and keeps its logs; plain errors are HANDLER_FAILED with their cause', async () => {
    const o = await one(makeTask('fails', { kind: 'plain' }));
    const err = failed(o);
    expect(err).toMatchObject({ code: ErrorCode.HandlerFailed, message: 'boom', retryable: true });
    expect(err.cause?.message).toBe('root cause');
    expect(o.logs).toEqual([
      { level: 'warn', message: 'about to fail', fields: { kind: 'plain' } },
    ]);
    expect('emissions' in o).toBe(false);
  });

  it('keeps NonRetryableError and RetryAfterError across serialization', async () => {
    const nr = deserializeError(failed(await one(makeTask('fails', { kind: 'non-retryable' }))));
    expect(nr).toBeInstanceOf(NonRetryableError);
    expect(nr.retryable).toBe(false);
    expect(nr.data).toEqual({ field: 'question' });
    const ra = deserializeError(failed(await one(makeTask('fails', { kind: 'retry-after' }))));
    expect(ra).toBeInstanceOf(RetryAfterError);
    expect((ra as RetryAfterError).delayMs).toBe(1500);
  });

  it('turns a thrown non-Error into HANDLER_FAILED', async () => {
    expect(failed(await one(makeTask('fails', { kind: 'string' })))).toMatchObject({
      code: ErrorCode.HandlerFailed,
      message: 'a string',
    });
  });

  it('refuses emission data that is not JSON-serializable, naming the type', async () => {
    const err = failed(await one(makeTask('fails', { kind: 'bigint' })));
    expect(err.code).toBe(ErrorCode.InvalidOption);
    expect(err.message).toMatch(/ctx\.emit data of bad\.data must be JSON-serializable/);
    expect(err.retryable).toBe(false);
  });

  it('aborts ctx.signal at timeoutMs and reports HANDLER_TIMEOUT with the handler error as cause', async () => {
    const started = performance.now();
    const err = failed(await one(makeTask('cooperative-timeout', {}, { timeoutMs: 50 })));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(err).toMatchObject({
      code: ErrorCode.HandlerTimeout,
      data: { timeoutMs: 50 },
      retryable: true,
    });
    expect(err.cause?.code).toBe(ErrorCode.HandlerTimeout);
  });

  it('reports HANDLER_LOAD, not retryable, for a missing file, no default export, or a non-function default', async () => {
    for (const [name, pattern] of [
      ['does-not-exist', /cannot load handler module .*does-not-exist\.ts/],
      ['no-default', /must export a default function .*found no default export/],
      ['default-not-function', /found a default export that is an object/],
    ] as const) {
      const err = failed(await one(makeTask(name)));
      expect(err.code).toBe(ErrorCode.HandlerLoad);
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(pattern);
      expect(err.data.handler).toMatch(new RegExp(`${name}\\.ts$`));
    }
  });

  it('unwraps a default.default export (a CommonJS-context module)', async () => {
    const file = join(tmp, 'cjs-shape.mjs');
    writeFileSync(
      file,
      'export default { default: (event, ctx) => ctx.emit("cjs", { ok: true }) };\n',
    );
    const o = await one({ ...makeTask('sleep'), handlerPath: file });
    expect(o.ok && o.emissions).toEqual([{ type: 'cjs', data: { ok: true } }]);
  });

  it('caps log records per invocation and says how many were dropped', async () => {
    const file = join(tmp, 'chatty.mjs');
    writeFileSync(
      file,
      'export default (event, ctx) => { for (let i = 0; i < 1500; i++) ctx.log.info("line " + i, { i, f: () => 1, big: 1n }); };\n',
    );
    const o = await one({ ...makeTask('sleep'), handlerPath: file });
    expect(o.logs).toHaveLength(MAX_LOG_RECORDS + 1);
    expect(o.logs[0]).toEqual({
      level: 'info',
      message: 'line 0',
      fields: { unserializable: true },
    });
    expect(o.logs.at(-1)).toMatchObject({ level: 'warn', fields: { dropped: 500 } });
  });

  it('ignores emit and log calls made after the handler settled', async () => {
    const file = join(tmp, 'late.mjs');
    writeFileSync(
      file,
      'let saved; export default (event, ctx) => { saved = ctx; }; export const late = () => { saved.emit("late", {}); saved.log.info("late"); };\n',
    );
    const o = await one({ ...makeTask('sleep'), handlerPath: file });
    const mod = (await import(file)) as { late: () => void };
    mod.late();
    expect(o.ok && o.emissions).toEqual([]);
    expect(o.logs).toEqual([]);
  });

  it('writes running and settled states with its thread id into the slot table', async () => {
    const slots = new Int32Array(new SharedArrayBuffer(4 * SLOT_WORDS * 4));
    const rt = createWorkerRuntime({ importModule: (url) => import(url), slots, threadId: 7 });
    const pending = rt.runBatch({ slotBase: 2, tasks: [makeTask('sleep', { ms: 50 })] });
    await new Promise((r) => setTimeout(r, 20));
    expect(Atomics.load(slots, 2 * SLOT_WORDS + SLOT_STATE)).toBe(SlotState.Running);
    expect(Atomics.load(slots, 2 * SLOT_WORDS + SLOT_THREAD)).toBe(7);
    await pending;
    expect(Atomics.load(slots, 2 * SLOT_WORDS + SLOT_STATE)).toBe(SlotState.Settled);
    expect(Atomics.load(slots, 0)).toBe(0);
  });

  it('serializes a TroupeError-shaped error from another copy of @troupe/core by its fields', () => {
    const foreign = Object.assign(new Error('from elsewhere'), {
      code: 'NON_RETRYABLE',
      retryable: false,
      data: { a: 1 },
    });
    foreign.name = 'NonRetryableError';
    expect(serializeHandlerError(foreign)).toMatchObject({
      code: 'NON_RETRYABLE',
      retryable: false,
      data: { a: 1 },
    });
  });
});
