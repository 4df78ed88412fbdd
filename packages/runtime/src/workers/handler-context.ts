// Worker side: the HandlerContext of one invocation (DESIGN.md §5). It collects the handler's
// emissions and log records as plain JSON data (so the batch result always survives
// postMessage), and owns the invocation's deadline: `ctx.signal` is created on first use and
// aborts at `timeoutMs` after the invocation began. Capabilities (`sql`, `llm`, `tools`,
// `workspace`) are delegated to the thread's CapabilityHost, checked against the task's grants.
// Written as a class with prototype members on purpose: tsx compiles with esbuild's keepNames,
// which wraps every named closure in a defineProperty call, and per-invocation closures cost
// several µs each under tsx. `emit` is bound once so that `const { emit } = ctx` still works.
import { ErrorCode, TroupeError } from '@troupe/core';
import type {
  EmitOptions,
  HandlerContext,
  LlmCapability,
  Logger,
  SqlCapability,
  ToolsCapability,
  WorkspaceCapability,
} from '@troupe/core';
import type { CapabilityHost } from './capability-host.js';
import type { Emission, HandlerTask, LogRecord } from './contract.js';

/** Log records kept per invocation; later ones are counted and summarised in one record. */
export const MAX_LOG_RECORDS = 1000;

function jsonCopy(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
}

function safeFields(fields: unknown): Readonly<Record<string, unknown>> | undefined {
  if (fields === undefined || fields === null) return undefined;
  try {
    const copy = jsonCopy(fields);
    return typeof copy === 'object' && copy !== null && !Array.isArray(copy)
      ? (copy as Record<string, unknown>)
      : { value: copy };
  } catch {
    return { unserializable: true };
  }
}

function timeoutReason(timeoutMs: number): TroupeError {
  return new TroupeError(
    ErrorCode.HandlerTimeout,
    `handler exceeded its timeout of ${timeoutMs} ms`,
    {
      data: { timeoutMs },
    },
  );
}

/** The context of one invocation, and the worker's handle on what it collected. */
export class Invocation implements HandlerContext {
  readonly event: HandlerContext['event'];
  readonly attempt: number;
  readonly agent: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly emit: HandlerContext['emit'];
  /** What the handler emitted, in order (JSON copies). */
  readonly emissions: Emission[] = [];
  /** What the handler logged, in order. */
  readonly logs: LogRecord[] = [];
  readonly #timeoutMs: number;
  readonly #deadline: number;
  #dropped = 0;
  #closed = false;
  #expired = false;
  #controller: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #log: Logger | undefined;
  readonly #task: HandlerTask;
  readonly #host: CapabilityHost;
  #tools: ToolsCapability | undefined;
  #workspace: WorkspaceCapability | undefined;

  /** `startedAt` is `performance.now()` when the invocation began. */
  constructor(task: HandlerTask, startedAt: number, host: CapabilityHost) {
    this.#task = task;
    this.#host = host;
    this.event = task.event;
    this.attempt = task.attempt;
    this.agent = task.agent;
    this.config = task.config;
    this.#timeoutMs = task.timeoutMs;
    this.#deadline = startedAt + task.timeoutMs;
    this.emit = this.#emit.bind(this);
  }

  get log(): Logger {
    return (this.#log ??= {
      debug: this.#record.bind(this, 'debug'),
      info: this.#record.bind(this, 'info'),
      warn: this.#record.bind(this, 'warn'),
      error: this.#record.bind(this, 'error'),
    });
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      const remaining = this.#deadline - performance.now();
      if (this.#closed || remaining <= 0) this.#abort();
      else this.#timer = setTimeout(this.#abort.bind(this), remaining);
    }
    return this.#controller.signal;
  }

  sql(name: string): SqlCapability {
    return this.#host.sql(this.#task, name);
  }

  llm(name: string): LlmCapability {
    return this.#host.llm(this.#task, name);
  }

  get tools(): ToolsCapability {
    return (this.#tools ??= this.#host.tools(this.#task, () => this.signal));
  }

  get workspace(): WorkspaceCapability {
    return (this.#workspace ??= this.#host.workspace(this.#task));
  }

  /** True once the deadline has passed (checked against the clock, not only the timer). */
  timedOut(): boolean {
    // The flag too: a timer may fire a fraction of a millisecond before performance.now() agrees.
    return this.#expired || performance.now() >= this.#deadline;
  }

  /** Stop the timer and ignore later emit/log calls (from work the handler left running). */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#dropped > 0)
      this.logs.push({
        level: 'warn',
        message: `${this.#dropped} log records dropped (limit ${MAX_LOG_RECORDS})`,
        fields: { dropped: this.#dropped },
      });
  }

  #abort(): void {
    this.#timer = undefined;
    this.#expired = true;
    this.#controller?.abort(timeoutReason(this.#timeoutMs));
  }

  #record(level: LogRecord['level'], message: string, fields?: Record<string, unknown>): void {
    if (this.#closed) return;
    if (this.logs.length >= MAX_LOG_RECORDS) {
      this.#dropped++;
      return;
    }
    const safe = safeFields(fields);
    this.logs.push(
      safe === undefined
        ? { level, message: String(message) }
        : { level, message: String(message), fields: safe },
    );
  }

  #emit(type: string, data: unknown, options?: EmitOptions): void {
    if (this.#closed) return;
    if (typeof type !== 'string' || type.length === 0)
      throw new TroupeError(ErrorCode.InvalidOption, 'ctx.emit type must be a non-empty string', {
        data: { field: 'type' },
        retryable: false,
      });
    let copy: unknown;
    try {
      copy = jsonCopy(data);
    } catch (err) {
      throw new TroupeError(
        ErrorCode.InvalidOption,
        `ctx.emit data of ${type} must be JSON-serializable: ${err instanceof Error ? err.message : String(err)}`,
        { data: { field: 'data', type }, retryable: false },
      );
    }
    const subject = options?.subject;
    this.emissions.push(
      typeof subject === 'string' ? { type, data: copy, subject } : { type, data: copy },
    );
  }
}
