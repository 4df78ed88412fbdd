// Worker side: runs one batch of invocations concurrently and answers one outcome per
// invocation, never throwing. The bootstrap `worker/entry.mjs` loads this module through tsx and
// calls `runBatch`; unit tests and the benchmark call it on the main thread with plain import().
import { ErrorCode, TroupeError, serializeError } from '@troupe/core';
import type { SerializedError } from '@troupe/core';
import type { HandlerOutcome, HandlerTask } from './contract.js';
import { createHandlerLoader } from './handler-loader.js';
import type { HandlerLoader, ModuleImporter } from './handler-loader.js';
import { createInvocation } from './handler-context.js';
import {
  SLOT_STARTED,
  SLOT_STATE,
  SLOT_THREAD,
  SLOT_WORDS,
  SlotState,
  clock32,
} from './protocol.js';
import type { WorkerBatch } from './protocol.js';

export interface WorkerRuntimeOptions {
  readonly importModule: ModuleImporter;
  /** The shared slot table; absent when run outside a pool (tests, benchmark). */
  readonly slots?: Int32Array;
  /** Reported in the slot table. Default 0. */
  readonly threadId?: number;
}

export interface WorkerRuntime {
  runBatch(batch: WorkerBatch): Promise<HandlerOutcome[]>;
}

interface TroupeErrorLike extends Error {
  code: string;
  retryable: boolean;
  data?: unknown;
}

/** A TroupeError from another copy of @troupe/core (a handler project with its own install). */
function isTroupeErrorLike(err: unknown): err is TroupeErrorLike {
  if (!(err instanceof Error)) return false;
  const e = err as Partial<TroupeErrorLike>;
  return typeof e.code === 'string' && typeof e.retryable === 'boolean';
}

/** Serialize what a handler threw: codes and classes survive, plain throws are HANDLER_FAILED. */
export function serializeHandlerError(err: unknown, depth = 0): SerializedError {
  if (err instanceof TroupeError || !isTroupeErrorLike(err)) {
    const s = serializeError(err);
    // A thrown non-Error (a string, an object) is still the handler failing.
    return err instanceof Error ? s : { ...s, code: ErrorCode.HandlerFailed };
  }
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(JSON.stringify(err.data ?? {})) as Record<string, unknown>;
  } catch {
    data = { unserializable: true };
  }
  return {
    name: err.name,
    code: err.code,
    message: err.message,
    data,
    retryable: err.retryable,
    ...(err.stack === undefined ? {} : { stack: err.stack }),
    ...(err.cause !== undefined && depth < 8
      ? { cause: serializeHandlerError(err.cause, depth + 1) }
      : {}),
  };
}

function timeoutError(task: HandlerTask, thrown: unknown, threw: boolean): SerializedError {
  const err = new TroupeError(
    ErrorCode.HandlerTimeout,
    `handler exceeded its timeout of ${task.timeoutMs} ms`,
    {
      data: { timeoutMs: task.timeoutMs },
    },
  );
  const s = serializeError(err);
  // The handler's own error (often the AbortError it raised on ctx.signal) is kept as the cause.
  return threw ? { ...s, cause: serializeHandlerError(thrown) } : s;
}

async function runOne(
  loader: HandlerLoader,
  task: HandlerTask,
  slots: Int32Array | undefined,
  slot: number,
  threadId: number,
): Promise<HandlerOutcome> {
  const base = slot * SLOT_WORDS;
  if (slots !== undefined) {
    Atomics.store(slots, base + SLOT_STARTED, clock32());
    Atomics.store(slots, base + SLOT_THREAD, threadId);
    Atomics.store(slots, base + SLOT_STATE, SlotState.Running);
  }
  const started = performance.now();
  const inv = createInvocation(task, started);
  const finish = (outcome: HandlerOutcome): HandlerOutcome => {
    if (slots !== undefined) Atomics.store(slots, base + SLOT_STATE, SlotState.Settled);
    return outcome;
  };
  let handler;
  try {
    handler = await loader.load(task.handlerPath);
  } catch (err) {
    inv.close();
    return finish({
      ok: false,
      error: serializeHandlerError(err),
      logs: inv.logs,
      durationMs: performance.now() - started,
    });
  }
  let thrown: unknown;
  let threw = false;
  try {
    await handler(task.event, inv.ctx);
  } catch (err) {
    thrown = err;
    threw = true;
  }
  const timedOut = inv.timedOut();
  inv.close();
  const durationMs = performance.now() - started;
  if (timedOut)
    return finish({
      ok: false,
      error: timeoutError(task, thrown, threw),
      logs: inv.logs,
      durationMs,
    });
  if (threw)
    return finish({ ok: false, error: serializeHandlerError(thrown), logs: inv.logs, durationMs });
  return finish({ ok: true, emissions: inv.emissions, logs: inv.logs, durationMs });
}

export function createWorkerRuntime(options: WorkerRuntimeOptions): WorkerRuntime {
  const loader = createHandlerLoader(options.importModule);
  const threadId = options.threadId ?? 0;
  return {
    runBatch(batch) {
      const { tasks, slotBase } = batch;
      if (tasks.length === 1)
        return runOne(loader, tasks[0]!, options.slots, slotBase, threadId).then((o) => [o]);
      return Promise.all(
        tasks.map((task, i) => runOne(loader, task, options.slots, slotBase + i, threadId)),
      );
    },
  };
}
