// The messages between the pool (main thread) and a worker thread, and the layout of the shared
// slot table through which a worker reports, without a message, which invocation it is running,
// since when and on which thread. The main thread's watchdog reads that table to find a handler
// past its deadline and terminate exactly the thread that runs it (Piscina's own AbortSignal
// path would pin every abortable task to a worker of its own and defeat concurrentTasksPerWorker).
import type { CloudEvent } from '@troupe/core';
import type { HandlerOutcome, HandlerTask } from './contract.js';

/** The fields of a HandlerTask that every task of one agent's batch shares. */
export type SharedTaskFields = Omit<HandlerTask, 'event' | 'attempt'>;

/**
 * One Piscina task: a batch of invocations that share one thread hop. Slot of task i =
 * slotBase + i. A batch of one agent (the pipeline's case) travels packed: the fields its
 * tasks share once, then one event and attempt per task, which halves what the main thread
 * serializes per invocation (the handler path, names, config and capabilities were cloned
 * once per task). Anything else travels as the tasks themselves.
 */
export type WorkerBatch =
  | { readonly slotBase: number; readonly tasks: readonly HandlerTask[] }
  | {
      readonly slotBase: number;
      readonly shared: SharedTaskFields;
      readonly events: readonly CloudEvent[];
      readonly attempts: readonly number[];
    };

/** The batch to post for `tasks`: packed when they share every field but event and attempt. */
export function packBatch(slotBase: number, tasks: readonly HandlerTask[]): WorkerBatch {
  const first = tasks[0];
  if (first === undefined || tasks.length === 1) return { slotBase, tasks };
  const events: CloudEvent[] = [];
  const attempts: number[] = [];
  for (const t of tasks) {
    if (
      t.handlerPath !== first.handlerPath ||
      t.agent !== first.agent ||
      t.timeoutMs !== first.timeoutMs ||
      t.config !== first.config ||
      t.capabilities !== first.capabilities
    )
      return { slotBase, tasks };
    events.push(t.event);
    attempts.push(t.attempt);
  }
  const { event: _event, attempt: _attempt, ...shared } = first;
  return { slotBase, shared, events, attempts };
}

/** The tasks of a batch, packed or not (worker side). */
export function unpackBatch(batch: WorkerBatch): readonly HandlerTask[] {
  if ('tasks' in batch) return batch.tasks;
  const { shared, events, attempts } = batch;
  return events.map((event, i) => ({ ...shared, event, attempt: attempts[i]! }));
}

/** What the worker answers: one outcome per task, in order. */
export type WorkerBatchResult = HandlerOutcome[];

/** What the pool hands every worker through `workerData`. */
export interface WorkerBootData {
  /** Backing store of the slot table (SLOT_WORDS Int32 words per slot). */
  readonly troupeSlots: SharedArrayBuffer;
}

/** Int32 words per slot. */
export const SLOT_WORDS = 3;
/** Word offsets inside a slot. */
export const SLOT_STATE = 0;
/** Low 32 bits of `Date.now()` when the current state began (wraps; compare with `elapsed32`). */
export const SLOT_STARTED = 1;
/** `threadId` of the worker running the invocation. */
export const SLOT_THREAD = 2;

/** Slot states. */
export const SlotState = {
  /** Assigned to an invocation that no worker has started yet. */
  Pending: 0,
  /** A worker is loading the handler module (first use on this thread); bounded by loadTimeoutMs. */
  Loading: 1,
  /** The handler is running; bounded by the task's timeoutMs + grace. */
  Running: 2,
  /** The handler settled (or failed to load); its outcome is in the batch result. */
  Settled: 3,
} as const;

/** Low 32 bits of a millisecond clock; differences of two such values are exact below 24 days. */
export function clock32(nowMs: number = Date.now()): number {
  return (nowMs % 0x1_0000_0000) | 0;
}

/** Milliseconds from `startedClock32` to `nowClock32`, both from `clock32`. */
export function elapsed32(nowClock32: number, startedClock32: number): number {
  return (nowClock32 - startedClock32) | 0;
}
