// What the agent pipeline asks of the worker pool: run handler invocations off the main thread
// and report one outcome per invocation. Plain data both ways (postMessage-safe).
import type { CloudEvent, ConnectionSpec, SerializedError } from '@troupe/core';

/** One handler invocation. */
export interface HandlerTask {
  /** Absolute path of the handler module (TypeScript or JavaScript, default export). */
  readonly handlerPath: string;
  readonly agent: string;
  readonly event: CloudEvent;
  /** 1-based. */
  readonly attempt: number;
  /** The handler's `ctx.signal` aborts at this deadline; the worker is replaced if it ignores it. */
  readonly timeoutMs: number;
  /** The agent's `spec.config`. */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * What `ctx.sql` / `ctx.llm` / `ctx.tools` / `ctx.workspace` may reach. Absent: no connection
   * and no workspace (every capability throws CAPABILITY_UNAVAILABLE).
   */
  readonly capabilities?: TaskCapabilities;
}

/** One Connection an agent may use, as its manifest declared it. */
export interface ConnectionGrant {
  readonly spec: ConnectionSpec;
  /** Directory of the Connection's manifest file: relative SQLite filenames resolve from it. */
  readonly baseDir: string;
}

/** Where `ctx.workspace` lives. Each worker thread opens its own store connection to it. */
export type WorkspaceTarget =
  | { readonly kind: 'redis'; readonly url: string; readonly namespace?: string }
  | { readonly kind: 'sqlite'; readonly filename: string }
  | { readonly kind: 'postgres'; readonly connection: string };

/** The capabilities of one agent, resolved by the runtime from the applied manifests. */
export interface TaskCapabilities {
  /** The agent's `spec.connections`, in order. */
  readonly listed: readonly string[];
  /** Listed names that have a Connection manifest. */
  readonly connections: Readonly<Record<string, ConnectionGrant>>;
  /** The manifest's project root. */
  readonly projectRoot?: string;
  readonly workspace?: WorkspaceTarget;
}

/** What a handler asked to emit, in order. The pipeline derives envelopes (ids) from these. */
export interface Emission {
  readonly type: string;
  readonly data: unknown;
  readonly subject?: string;
}

export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

export type HandlerOutcome =
  | {
      readonly ok: true;
      readonly emissions: readonly Emission[];
      readonly logs: readonly LogRecord[];
      readonly durationMs: number;
      /** True when this is the result of an uncharged re-run in isolation after a worker crash. */
      readonly isolated?: boolean;
    }
  | {
      readonly ok: false;
      readonly error: SerializedError;
      readonly logs: readonly LogRecord[];
      readonly durationMs: number;
      /** True when this is the result of an uncharged re-run in isolation after a worker crash. */
      readonly isolated?: boolean;
    };

export interface WorkerPool {
  /**
   * Run a batch of invocations (one pool task, to amortise the thread hop) and resolve one
   * outcome per task, in order. Never rejects for a handler's failure: a throw, a timeout, or a
   * worker crash is an `ok: false` outcome with code HANDLER_FAILED / HANDLER_TIMEOUT /
   * WORKER_CRASHED. A crash or a forced termination fails only the invocation that caused it;
   * the others caught in the same worker are re-run in isolation without being charged.
   */
  run(tasks: readonly HandlerTask[]): Promise<HandlerOutcome[]>;
  /** Threads alive, tasks in flight, workers replaced so far. */
  stats(): { threads: number; inFlight: number; replaced: number };
  /** Wait for in-flight tasks up to `deadlineMs`, then terminate the threads. */
  close(deadlineMs?: number): Promise<void>;
}
