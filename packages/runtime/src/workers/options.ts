// Worker pool options: exported defaults, then one resolve step that validates every field and
// names it in the error (STYLE.md §4). The pool only ever sees the resolved form.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { ErrorCode, TroupeError } from '@troupe/core';

export interface WorkerPoolOptions {
  /** Worker threads in the main pool. Default: `os.availableParallelism()` (at least 1). */
  threads?: number;
  /**
   * Batches one thread runs at the same time. Default 16: Piscina's default of 1 costs ~70 µs per
   * task and is ~7× slower at saturation (research/peer-benchmarks.md).
   */
  concurrentTasksPerWorker?: number;
  /** Most invocations sent to a thread in one message; larger `run()` batches are split. Default 64. */
  maxBatchSize?: number;
  /**
   * How long a handler may take to settle after its `ctx.signal` aborted at `timeoutMs` before its
   * worker thread is terminated and replaced. Default 1000.
   */
  timeoutGraceMs?: number;
  /**
   * How long loading a handler module (its first use on a thread: tsx compiles it, its imports
   * run) may take before the thread is terminated; not charged to the task's timeoutMs. Default 30000.
   */
  loadTimeoutMs?: number;
  /**
   * Threads of the isolation pool, which re-runs one invocation per thread every invocation that
   * was caught in a crashed worker, to find the one that crashed it. Created on first need. Default 1.
   */
  isolationThreads?: number;
  /**
   * V8 heap limits of every worker (`worker_threads` resourceLimits); a worker that exceeds them
   * dies with ERR_WORKER_OUT_OF_MEMORY and its culprit fails with WORKER_CRASHED. Default: Node's.
   */
  resourceLimits?: ResourceLimits;
  /** Default deadline of `close()`, in ms. Default 10000. */
  closeDeadlineMs?: number;
  /**
   * Called with an error a worker raised while running no task (e.g. a timer that threw after its
   * handler returned); the worker is replaced either way. Default: ignored.
   */
  onWorkerError?: (error: unknown) => void;
  /**
   * How an idle worker waits for its next task (Piscina's `atomics`). `'disabled'` (default): on
   * its event loop, so timers and I/O a handler left running (connection pools, keep-alives)
   * keep working between tasks. `'sync'`: blocked in Atomics.wait, which cut one-at-a-time
   * latency from ~180 µs to ~70 µs in bench-pool.ts but freezes that background work while idle.
   * `'async'`: Atomics.waitAsync, measured no faster than `'disabled'`.
   */
  atomics?: 'disabled' | 'sync' | 'async';
  /** The Piscina worker module. Default: this package's `worker/entry.mjs`. */
  workerFilename?: string;
}

export interface ResolvedWorkerPoolOptions {
  readonly threads: number;
  readonly concurrentTasksPerWorker: number;
  readonly maxBatchSize: number;
  readonly timeoutGraceMs: number;
  readonly loadTimeoutMs: number;
  readonly isolationThreads: number;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly closeDeadlineMs: number;
  readonly onWorkerError: (error: unknown) => void;
  readonly atomics: 'disabled' | 'sync' | 'async';
  readonly workerFilename: string;
}

/** The defaults, as documented on each option. */
export const DEFAULT_POOL_OPTIONS: Readonly<
  Omit<ResolvedWorkerPoolOptions, 'resourceLimits' | 'onWorkerError'>
> = Object.freeze({
  threads: Math.max(1, availableParallelism()),
  concurrentTasksPerWorker: 16,
  maxBatchSize: 64,
  timeoutGraceMs: 1000,
  loadTimeoutMs: 30_000,
  isolationThreads: 1,
  closeDeadlineMs: 10_000,
  atomics: 'disabled',
  workerFilename: fileURLToPath(new URL('../../worker/entry.mjs', import.meta.url)),
});

function invalid(field: string, message: string, got: unknown): TroupeError {
  return new TroupeError(
    ErrorCode.InvalidOption,
    `worker pool option ${field} ${message}, got ${typeof got === 'string' ? JSON.stringify(got) : String(got)}`,
    { data: { field }, retryable: false },
  );
}

function int(field: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw invalid(field, `must be an integer >= ${min}`, value);
  return value;
}

const LIMIT_KEYS = [
  'maxOldGenerationSizeMb',
  'maxYoungGenerationSizeMb',
  'codeRangeSizeMb',
  'stackSizeMb',
] as const;

function limits(value: ResourceLimits | undefined): ResourceLimits | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null)
    throw invalid('resourceLimits', 'must be an object', value);
  for (const key of Object.keys(value)) {
    if (!(LIMIT_KEYS as readonly string[]).includes(key))
      throw invalid(
        `resourceLimits.${key}`,
        `is not a known limit (${LIMIT_KEYS.join(', ')})`,
        key,
      );
    const n = (value as Record<string, unknown>)[key];
    if (n !== undefined && (typeof n !== 'number' || !(n > 0)))
      throw invalid(`resourceLimits.${key}`, 'must be a number > 0', n);
  }
  return { ...value };
}

/** Apply defaults and validate; throws INVALID_OPTION naming the field. */
export function resolvePoolOptions(options: WorkerPoolOptions = {}): ResolvedWorkerPoolOptions {
  const d = DEFAULT_POOL_OPTIONS;
  if (options.onWorkerError !== undefined && typeof options.onWorkerError !== 'function')
    throw invalid('onWorkerError', 'must be a function', options.onWorkerError);
  if (options.atomics !== undefined && !['disabled', 'sync', 'async'].includes(options.atomics))
    throw invalid('atomics', "must be 'disabled', 'sync' or 'async'", options.atomics);
  if (
    options.workerFilename !== undefined &&
    (typeof options.workerFilename !== 'string' || options.workerFilename === '')
  )
    throw invalid('workerFilename', 'must be a non-empty path', options.workerFilename);
  return {
    threads: int('threads', options.threads, d.threads, 1),
    concurrentTasksPerWorker: int(
      'concurrentTasksPerWorker',
      options.concurrentTasksPerWorker,
      d.concurrentTasksPerWorker,
      1,
    ),
    maxBatchSize: int('maxBatchSize', options.maxBatchSize, d.maxBatchSize, 1),
    timeoutGraceMs: int('timeoutGraceMs', options.timeoutGraceMs, d.timeoutGraceMs, 0),
    loadTimeoutMs: int('loadTimeoutMs', options.loadTimeoutMs, d.loadTimeoutMs, 1),
    isolationThreads: int('isolationThreads', options.isolationThreads, d.isolationThreads, 1),
    resourceLimits: limits(options.resourceLimits),
    closeDeadlineMs: int('closeDeadlineMs', options.closeDeadlineMs, d.closeDeadlineMs, 0),
    onWorkerError: options.onWorkerError ?? (() => {}),
    atomics: options.atomics ?? d.atomics,
    workerFilename: options.workerFilename ?? d.workerFilename,
  };
}
