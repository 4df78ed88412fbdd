// Worker side: runs one batch of invocations concurrently and answers one outcome per
// invocation, never throwing. The bootstrap `worker/entry.mjs` loads this module through tsx and
// calls `runBatch`; unit tests and the benchmark call it on the main thread with plain import().
import { ErrorCode, TroupeError, serializeError } from '@troupe/core';
import type { SerializedError } from '@troupe/core';
import type { HandlerOutcome, HandlerTask } from './contract.js';
import { createHandlerLoader } from './handler-loader.js';
import type { HandlerLoader, LoadedHandler, ModuleImporter } from './handler-loader.js';
import { CapabilityHost } from './capability-host.js';
import { Invocation } from './handler-context.js';
import {
  SLOT_STARTED,
  SLOT_STATE,
  SLOT_THREAD,
  SLOT_WORDS,
  SlotState,
  clock32,
  unpackBatch,
} from './protocol.js';
import type { WorkerBatch } from './protocol.js';

export interface WorkerRuntimeOptions {
  readonly importModule: ModuleImporter;
  /** The shared slot table; absent when run outside a pool (tests, benchmark). */
  readonly slots?: Int32Array;
  /** Reported in the slot table. Default 0. */
  readonly threadId?: number;
  /** The thread's capabilities (connections, workspace). Default: a new CapabilityHost. */
  readonly capabilities?: CapabilityHost;
}

export interface WorkerRuntime {
  /** One outcome per task, in order; synchronous when every handler was (no promise hop). */
  runBatch(batch: WorkerBatch): HandlerOutcome[] | Promise<HandlerOutcome[]>;
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

type Settled = HandlerOutcome | Promise<HandlerOutcome>;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Finish an invocation: stop its clock, mark its slot, build its outcome. */
function conclude(
  inv: Invocation,
  task: HandlerTask,
  started: number,
  slots: Int32Array | undefined,
  base: number,
  threw: boolean,
  thrown: unknown,
): HandlerOutcome {
  const timedOut = inv.timedOut();
  inv.close();
  const durationMs = performance.now() - started;
  if (slots !== undefined) Atomics.store(slots, base + SLOT_STATE, SlotState.Settled);
  if (timedOut)
    return { ok: false, error: timeoutError(task, thrown, threw), logs: inv.logs, durationMs };
  if (threw) return { ok: false, error: serializeHandlerError(thrown), logs: inv.logs, durationMs };
  return { ok: true, emissions: inv.emissions, logs: inv.logs, durationMs };
}

function invoke(
  handler: LoadedHandler,
  inv: Invocation,
  task: HandlerTask,
  started: number,
  slots: Int32Array | undefined,
  base: number,
): Settled {
  let result: unknown;
  try {
    result = handler(task.event, inv);
  } catch (err) {
    return conclude(inv, task, started, slots, base, true, err);
  }
  if (!isThenable(result)) return conclude(inv, task, started, slots, base, false, undefined);
  return Promise.resolve(result).then(
    () => conclude(inv, task, started, slots, base, false, undefined),
    (err: unknown) => conclude(inv, task, started, slots, base, true, err),
  );
}

/**
 * Run one invocation. A synchronous handler whose module is loaded already completes without a
 * promise hop: that is most of the per-invocation cost of a cheap handler.
 */
function runOne(
  loader: HandlerLoader,
  host: CapabilityHost,
  task: HandlerTask,
  slots: Int32Array | undefined,
  slot: number,
  threadId: number,
): Settled {
  const base = slot * SLOT_WORDS;
  // Adapter modules load with the handler module, on the same uncharged Loading clock.
  const preparing = host.prepare(task);
  const handler = preparing === undefined ? loader.cached(task.handlerPath) : undefined;
  if (slots !== undefined) {
    // The start time is written before the state, so the watchdog never pairs a state with an
    // older start. Loading a module is not charged to the handler's timeoutMs (tsx compiles it
    // on first use on each thread); the watchdog bounds it with loadTimeoutMs instead.
    Atomics.store(slots, base + SLOT_STARTED, clock32());
    Atomics.store(slots, base + SLOT_THREAD, threadId);
    Atomics.store(
      slots,
      base + SLOT_STATE,
      handler === undefined ? SlotState.Loading : SlotState.Running,
    );
  }
  if (handler !== undefined) {
    const started = performance.now();
    return invoke(handler, new Invocation(task, started, host), task, started, slots, base);
  }
  const loadStarted = performance.now();
  const loading =
    preparing === undefined
      ? loader.load(task.handlerPath)
      : Promise.all([loader.load(task.handlerPath), preparing]).then(([loaded]) => loaded);
  return loading.then(
    (loaded) => {
      if (slots !== undefined) {
        Atomics.store(slots, base + SLOT_STARTED, clock32());
        Atomics.store(slots, base + SLOT_STATE, SlotState.Running);
      }
      const started = performance.now();
      return invoke(loaded, new Invocation(task, started, host), task, started, slots, base);
    },
    (err: unknown): HandlerOutcome => {
      if (slots !== undefined) Atomics.store(slots, base + SLOT_STATE, SlotState.Settled);
      return {
        ok: false,
        error: serializeHandlerError(err),
        logs: [],
        durationMs: performance.now() - loadStarted,
      };
    },
  );
}

export function createWorkerRuntime(options: WorkerRuntimeOptions): WorkerRuntime {
  const loader = createHandlerLoader(options.importModule);
  const host = options.capabilities ?? new CapabilityHost();
  const threadId = options.threadId ?? 0;
  const slots = options.slots;
  return {
    runBatch(batch) {
      const tasks = unpackBatch(batch);
      const slotBase = batch.slotBase;
      const out = new Array<HandlerOutcome>(tasks.length);
      let pending: Promise<void>[] | undefined;
      for (let i = 0; i < tasks.length; i++) {
        const settled = runOne(loader, host, tasks[i]!, slots, slotBase + i, threadId);
        if (settled instanceof Promise)
          (pending ??= []).push(
            settled.then((o) => {
              out[i] = o;
            }),
          );
        else out[i] = settled;
      }
      return pending === undefined ? out : Promise.all(pending).then(() => out);
    },
  };
}
