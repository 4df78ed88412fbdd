// createWorkerPool: the WorkerPool of contract.ts on Piscina. Batches run in the main lane pool
// (threads × concurrentTasksPerWorker batches at a time, the rest in FIFO admission). When a
// worker dies under a batch, the watchdog's verdict decides: the one invocation that overran its
// deadline fails with HANDLER_TIMEOUT; every other invocation caught in that worker is re-run,
// uncharged, in an isolation pool (one invocation per thread), where a second death can only be
// its own: WORKER_CRASHED (or HANDLER_TIMEOUT). Handler failures never reject run().
import type { HandlerOutcome, HandlerTask, WorkerPool } from './contract.js';
import { LanePool } from './lane-pool.js';
import type { BatchResult, Verdict } from './lane-pool.js';
import { resolvePoolOptions } from './options.js';
import type { ResolvedWorkerPoolOptions, WorkerPoolOptions } from './options.js';
import {
  closedOutcome,
  crashOutcome,
  invalidTaskOutcome,
  loadTimeoutOutcome,
  timeoutOutcome,
} from './outcomes.js';

export interface WorkerPoolStats {
  /** Threads of the main pool, replacements being started included. */
  threads: number;
  /** Invocations inside worker threads (main and isolation pools). */
  inFlight: number;
  /** Workers that died or were terminated and replaced so far (both pools). */
  replaced: number;
  /** Invocations waiting for admission (main and isolation pools). */
  queued: number;
  /** Batches inside the main Piscina pool; never more than threads × concurrentTasksPerWorker. */
  admittedBatches: number;
  /** Threads of the isolation pool (0 until the first crash needs it). */
  isolationThreads: number;
}

export interface TroupeWorkerPool extends WorkerPool {
  stats(): WorkerPoolStats;
  /** The options in effect, defaults applied. */
  readonly options: ResolvedWorkerPoolOptions;
}

function checkTask(task: HandlerTask, i: number): HandlerOutcome | undefined {
  if (typeof task !== 'object' || task === null)
    return invalidTaskOutcome(`tasks[${i}]`, 'must be a HandlerTask object');
  if (typeof task.handlerPath !== 'string' || task.handlerPath === '')
    return invalidTaskOutcome(`tasks[${i}].handlerPath`, 'must be a non-empty absolute path');
  const t = task.timeoutMs;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0)
    return invalidTaskOutcome(
      `tasks[${i}].timeoutMs`,
      `must be a finite number > 0, got ${String(t)}`,
    );
  return undefined;
}

/** Create a worker pool; throws INVALID_OPTION naming the option when one is out of range. */
export function createWorkerPool(options: WorkerPoolOptions = {}): TroupeWorkerPool {
  const opts = resolvePoolOptions(options);
  let replaced = 0;
  const onWorkerLost = (): void => {
    replaced++;
  };
  const main = new LanePool({ ...opts, onWorkerLost });
  let isolation: LanePool | undefined;
  let closing: Promise<void> | undefined;
  let destroyed = false;

  const isolationPool = (): LanePool =>
    (isolation ??= new LanePool({
      ...opts,
      threads: opts.isolationThreads,
      concurrentTasksPerWorker: 1,
      maxBatchSize: 1,
      onWorkerLost,
    }));

  /** The outcome a watchdog verdict settles, or undefined when the verdict settles nothing. */
  function blame(
    task: HandlerTask,
    verdict: Verdict,
    result: { elapsedMs: number },
    isolated: boolean,
  ): HandlerOutcome | undefined {
    if (verdict === 'load-timeout')
      return loadTimeoutOutcome(opts.loadTimeoutMs, result.elapsedMs, isolated);
    // In isolation a suspect is alone on its thread: it is the one that overran.
    if (verdict === 'timeout' || (isolated && verdict === 'suspect'))
      return timeoutOutcome(task.timeoutMs, opts.timeoutGraceMs, result.elapsedMs, isolated);
    return undefined;
  }

  /** Re-run one invocation alone: whatever kills this worker now is this invocation's doing. */
  async function isolate(task: HandlerTask): Promise<HandlerOutcome> {
    // After the threads were terminated, never start an isolation pool nobody would close.
    if (destroyed) return closedOutcome();
    const result = await isolationPool().submit([task]);
    if (result.kind === 'done') return { ...result.outcomes[0]!, isolated: true };
    if (result.kind === 'closed') return closedOutcome();
    if (result.unclonable)
      return invalidTaskOutcome('task', `cannot be sent to a worker thread: ${result.reason}`);
    return (
      blame(task, result.verdicts[0]!, result, true) ??
      crashOutcome(result.reason, result.errorCode, result.elapsedMs)
    );
  }

  async function settle(
    tasks: readonly HandlerTask[],
    result: BatchResult,
  ): Promise<HandlerOutcome[]> {
    if (result.kind === 'done') return result.outcomes;
    if (result.kind === 'closed') return tasks.map(() => closedOutcome());
    return Promise.all(
      tasks.map((task, i) => {
        const settled = blame(task, result.verdicts[i]!, result, false);
        return settled === undefined ? isolate(task) : Promise.resolve(settled);
      }),
    );
  }

  async function runChecked(tasks: readonly HandlerTask[]): Promise<HandlerOutcome[]> {
    if (tasks.length <= opts.maxBatchSize) return settle(tasks, await main.submit(tasks));
    const chunks: Promise<HandlerOutcome[]>[] = [];
    for (let at = 0; at < tasks.length; at += opts.maxBatchSize) {
      const chunk = tasks.slice(at, at + opts.maxBatchSize);
      chunks.push(main.submit(chunk).then((r) => settle(chunk, r)));
    }
    return (await Promise.all(chunks)).flat();
  }

  return {
    options: opts,

    async run(tasks) {
      if (closing !== undefined) return tasks.map(() => closedOutcome());
      let refused: (HandlerOutcome | undefined)[] | undefined;
      for (let i = 0; i < tasks.length; i++) {
        const bad = checkTask(tasks[i]!, i);
        if (bad !== undefined)
          (refused ??= new Array<HandlerOutcome | undefined>(tasks.length))[i] = bad;
      }
      if (refused === undefined) return runChecked(tasks);
      const valid = tasks.filter((_, i) => refused[i] === undefined);
      const ran = valid.length === 0 ? [] : await runChecked(valid);
      let next = 0;
      return tasks.map((_, i) => refused[i] ?? ran[next++]!);
    },

    stats() {
      return {
        threads: main.threads,
        inFlight: main.inFlight + (isolation?.inFlight ?? 0),
        replaced,
        queued: main.queued + (isolation?.queued ?? 0),
        admittedBatches: main.admitted,
        isolationThreads: isolation?.threads ?? 0,
      };
    },

    close(deadlineMs = opts.closeDeadlineMs) {
      closing ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, deadlineMs);
        });
        // A crash during the drain sends work to isolation, and settling it may take a few
        // microtasks after the main pool went idle: loop until both are idle at once.
        const drained = (async () => {
          do {
            await main.idle();
            await isolation?.idle();
            await new Promise((resolve) => setImmediate(resolve));
          } while (main.busy || isolation?.busy === true);
        })();
        await Promise.race([drained, deadline]);
        clearTimeout(timer);
        destroyed = true;
        await Promise.all([main.destroy(), isolation?.destroy()]);
      })();
      return closing;
    },
  };
}
