// One Piscina pool behind our own bounded admission. At most threads × concurrentTasksPerWorker
// batches are inside Piscina; the rest wait in a FIFO here (no starvation, Piscina's queue stays
// empty). Each admitted batch owns a lane of the shared slot table, which its worker fills in as
// it starts and settles invocations; a watchdog reads the table and terminates the thread of any
// invocation still running past timeoutMs + grace. A batch resolves as done, died (its worker
// exited, was terminated or crashed, with a verdict per invocation) or closed. Never rejects.
import { Piscina } from 'piscina';
import type { ResourceLimits } from 'node:worker_threads';
import type { HandlerOutcome, HandlerTask } from './contract.js';
import { Fifo } from './fifo.js';
import {
  SLOT_STARTED,
  SLOT_STATE,
  SLOT_THREAD,
  SLOT_WORDS,
  SlotState,
  clock32,
  elapsed32,
  packBatch,
} from './protocol.js';
import type { WorkerBatch, WorkerBootData } from './protocol.js';

/**
 * What the watchdog concluded about an invocation of a batch whose thread died:
 * `timeout`: the only invocation on that thread past its deadline + grace, so the one to blame;
 * `load-timeout`: the same, for a handler module still loading after loadTimeoutMs;
 * `suspect`: one of several past the deadline on a thread frozen by one of them (unknown which);
 * `bystander`: anything else (not started, settled, or still within its deadline).
 */
export type Verdict = 'timeout' | 'load-timeout' | 'suspect' | 'bystander';

export type BatchResult =
  | { readonly kind: 'done'; readonly outcomes: HandlerOutcome[] }
  | {
      readonly kind: 'died';
      readonly reason: string;
      readonly errorCode?: string;
      /** The batch could not be posted to a thread (a value structured clone refuses). */
      readonly unclonable: boolean;
      readonly verdicts: readonly Verdict[];
      readonly elapsedMs: number;
    }
  | { readonly kind: 'closed' };

export interface LanePoolOptions {
  readonly threads: number;
  readonly concurrentTasksPerWorker: number;
  /** Largest batch this pool is given; sizes its lanes. */
  readonly maxBatchSize: number;
  readonly timeoutGraceMs: number;
  readonly loadTimeoutMs: number;
  readonly atomics: 'disabled' | 'sync' | 'async';
  readonly resourceLimits: ResourceLimits | undefined;
  readonly workerFilename: string;
  readonly onWorkerError: (error: unknown) => void;
  /** Called once per worker that died or was terminated while the pool was open. */
  readonly onWorkerLost: () => void;
}

interface Admitted {
  readonly lane: number;
  readonly tasks: readonly HandlerTask[];
  readonly admittedAt: number;
  readonly done: (result: BatchResult) => void;
  verdicts?: Verdict[];
}

interface Waiting {
  readonly tasks: readonly HandlerTask[];
  readonly done: (result: BatchResult) => void;
}

function crashDetails(err: unknown): { reason: string; errorCode?: string; unclonable: boolean } {
  if (!(err instanceof Error)) return { reason: String(err), unclonable: false };
  const code = (err as { code?: unknown }).code;
  // postMessage refused the batch: nothing ran and no worker died.
  const unclonable = err.name === 'DataCloneError';
  return typeof code === 'string'
    ? { reason: err.message, errorCode: code, unclonable }
    : { reason: err.message, unclonable };
}

export class LanePool {
  readonly capacity: number;
  readonly #opts: LanePoolOptions;
  readonly #piscina: Piscina;
  readonly #slots: Int32Array;
  readonly #freeLanes: number[] = [];
  readonly #admitted = new Set<Admitted>();
  readonly #waiting = new Fifo<Waiting>();
  readonly #idleWaiters: (() => void)[] = [];
  #killed = new Set<number>();
  #watchdog: NodeJS.Timeout | undefined;
  #inFlight = 0;
  #queued = 0;
  #destroying = false;

  constructor(opts: LanePoolOptions) {
    this.#opts = opts;
    this.capacity = opts.threads * opts.concurrentTasksPerWorker;
    const sab = new SharedArrayBuffer(
      this.capacity * opts.maxBatchSize * SLOT_WORDS * Int32Array.BYTES_PER_ELEMENT,
    );
    this.#slots = new Int32Array(sab);
    for (let lane = this.capacity - 1; lane >= 0; lane--) this.#freeLanes.push(lane);
    const workerData: WorkerBootData = { troupeSlots: sab };
    this.#piscina = new Piscina({
      filename: opts.workerFilename,
      minThreads: opts.threads,
      maxThreads: opts.threads,
      concurrentTasksPerWorker: opts.concurrentTasksPerWorker,
      // Our admission never lets more than `capacity` batches in, so this never rejects.
      maxQueue: this.capacity,
      idleTimeout: Infinity,
      atomics: opts.atomics,
      recordTiming: false,
      workerData,
      ...(opts.resourceLimits === undefined ? {} : { resourceLimits: opts.resourceLimits }),
    });
    // Without a listener, an 'error' (a worker dying while it runs no task) would crash the process.
    this.#piscina.on('error', (err: unknown) => opts.onWorkerError(err));
    this.#piscina.on('workerDestroy', () => {
      if (!this.#destroying) opts.onWorkerLost();
    });
  }

  /** Threads alive (replacements being started included). */
  get threads(): number {
    return this.#piscina.threads.length;
  }
  /** Batches inside Piscina. */
  get admitted(): number {
    return this.#admitted.size;
  }
  /** Invocations inside Piscina. */
  get inFlight(): number {
    return this.#inFlight;
  }
  /** Anything admitted or waiting. */
  get busy(): boolean {
    return this.#admitted.size > 0 || this.#waiting.size > 0;
  }
  /** Invocations waiting for admission. */
  get queued(): number {
    return this.#queued;
  }

  /** Run one batch (at most maxBatchSize tasks). */
  submit(tasks: readonly HandlerTask[]): Promise<BatchResult> {
    if (this.#destroying) return Promise.resolve({ kind: 'closed' });
    return new Promise((done) => {
      if (this.#freeLanes.length > 0) this.#admit(tasks, done);
      else {
        this.#queued += tasks.length;
        this.#waiting.push({ tasks, done });
      }
    });
  }

  /** Resolves once nothing is admitted or waiting. */
  idle(): Promise<void> {
    if (this.#admitted.size === 0 && this.#waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Terminate every thread; whatever is admitted or waiting resolves as closed. */
  async destroy(): Promise<void> {
    if (this.#destroying) return;
    this.#destroying = true;
    for (const w of this.#waiting.drain()) w.done({ kind: 'closed' });
    this.#queued = 0;
    await this.#piscina.destroy();
    this.#stopWatchdog();
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #admit(tasks: readonly HandlerTask[], done: (r: BatchResult) => void): void {
    const lane = this.#freeLanes.pop()!;
    const slotBase = lane * this.#opts.maxBatchSize;
    for (let i = 0; i < tasks.length; i++) {
      const base = (slotBase + i) * SLOT_WORDS;
      Atomics.store(this.#slots, base + SLOT_THREAD, 0);
      Atomics.store(this.#slots, base + SLOT_STATE, SlotState.Pending);
    }
    const entry: Admitted = { lane, tasks, admittedAt: performance.now(), done };
    this.#admitted.add(entry);
    this.#inFlight += tasks.length;
    this.#startWatchdog();
    const batch: WorkerBatch = packBatch(slotBase, tasks);
    this.#piscina.run(batch).then(
      (outcomes: HandlerOutcome[]) => this.#finish(entry, { kind: 'done', outcomes }),
      (err: unknown) =>
        this.#finish(
          entry,
          this.#destroying
            ? { kind: 'closed' }
            : {
                kind: 'died',
                ...crashDetails(err),
                verdicts: tasks.map((_, i) => entry.verdicts?.[i] ?? 'bystander'),
                elapsedMs: performance.now() - entry.admittedAt,
              },
        ),
    );
  }

  #finish(entry: Admitted, result: BatchResult): void {
    if (!this.#admitted.delete(entry)) return;
    this.#inFlight -= entry.tasks.length;
    this.#freeLanes.push(entry.lane);
    entry.done(result);
    const next = this.#destroying ? undefined : this.#waiting.shift();
    if (next !== undefined) {
      this.#queued -= next.tasks.length;
      this.#admit(next.tasks, next.done);
    } else if (this.#admitted.size === 0) {
      this.#stopWatchdog();
      if (this.#waiting.size === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  #startWatchdog(): void {
    if (this.#watchdog !== undefined) return;
    // Sweep often enough that a stuck thread dies within about a quarter of the grace after it.
    const every = Math.min(250, Math.max(10, Math.floor(this.#opts.timeoutGraceMs / 4)));
    this.#watchdog = setInterval(() => this.#sweep(), every);
    this.#watchdog.unref();
  }

  #stopWatchdog(): void {
    if (this.#watchdog !== undefined) clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }

  /** Find invocations past their limit (timeoutMs + grace, or loadTimeoutMs) and terminate their threads. */
  #sweep(): void {
    const now = clock32();
    const grace = this.#opts.timeoutGraceMs;
    const stillKilled = new Set<number>();
    const overdue = new Map<number, [Admitted, number, Verdict][]>();
    for (const entry of this.#admitted) {
      const slotBase = entry.lane * this.#opts.maxBatchSize;
      for (let i = 0; i < entry.tasks.length; i++) {
        const base = (slotBase + i) * SLOT_WORDS;
        const state = Atomics.load(this.#slots, base + SLOT_STATE);
        if (state !== SlotState.Running && state !== SlotState.Loading) continue;
        const thread = Atomics.load(this.#slots, base + SLOT_THREAD);
        if (this.#killed.has(thread)) {
          stillKilled.add(thread);
          continue;
        }
        const loading = state === SlotState.Loading;
        const limit = loading ? this.#opts.loadTimeoutMs : entry.tasks[i]!.timeoutMs + grace;
        if (elapsed32(now, Atomics.load(this.#slots, base + SLOT_STARTED)) < limit) continue;
        const item: [Admitted, number, Verdict] = [entry, i, loading ? 'load-timeout' : 'timeout'];
        const list = overdue.get(thread);
        if (list === undefined) overdue.set(thread, [item]);
        else list.push(item);
      }
    }
    this.#killed = stillKilled;
    for (const [thread, list] of overdue) {
      this.#killed.add(thread);
      for (const [entry, i, verdict] of list)
        (entry.verdicts ??= [])[i] = list.length === 1 ? verdict : 'suspect';
      const worker = this.#piscina.threads.find((w) => w.threadId === thread);
      // Piscina sees the exit, fails every batch on that thread and starts a replacement.
      if (worker !== undefined) worker.terminate().catch(() => {});
    }
  }
}
