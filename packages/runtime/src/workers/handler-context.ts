// Worker side: the HandlerContext of one invocation (DESIGN.md §5). It collects the handler's
// emissions and log records as plain JSON data (so the batch result always survives
// postMessage), and owns the invocation's deadline: `ctx.signal` is created on first use and
// aborts at `timeoutMs` after the invocation began.
import { ErrorCode, TroupeError } from '@troupe/core';
import type { EmitOptions, HandlerContext, Logger } from '@troupe/core';
import type { Emission, HandlerTask, LogRecord } from './contract.js';

/** Log records kept per invocation; later ones are counted and summarised in one record. */
export const MAX_LOG_RECORDS = 1000;

export interface Invocation {
  readonly ctx: HandlerContext;
  readonly emissions: Emission[];
  readonly logs: LogRecord[];
  /** True once the deadline has passed (checked against the clock, not only the timer). */
  timedOut(): boolean;
  /** Stop the timer and ignore later emit/log calls (from work the handler left running). */
  close(): void;
}

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

/** Build the context for `task`; `startedAt` is `performance.now()` when the invocation began. */
export function createInvocation(task: HandlerTask, startedAt: number): Invocation {
  const emissions: Emission[] = [];
  const logs: LogRecord[] = [];
  const deadline = startedAt + task.timeoutMs;
  let dropped = 0;
  let closed = false;
  let controller: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;

  const abort = (): void => {
    timer = undefined;
    controller?.abort(timeoutReason(task.timeoutMs));
  };
  const signal = (): AbortSignal => {
    if (controller === undefined) {
      controller = new AbortController();
      const remaining = deadline - performance.now();
      if (closed) controller.abort(timeoutReason(task.timeoutMs));
      else if (remaining <= 0) abort();
      else timer = setTimeout(abort, remaining);
    }
    return controller.signal;
  };

  const record =
    (level: LogRecord['level']) => (message: string, fields?: Record<string, unknown>) => {
      if (closed) return;
      if (logs.length >= MAX_LOG_RECORDS) {
        dropped++;
        return;
      }
      const safe = safeFields(fields);
      logs.push(
        safe === undefined
          ? { level, message: String(message) }
          : { level, message: String(message), fields: safe },
      );
    };
  const log: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };

  const emit = (type: string, data: unknown, options?: EmitOptions): void => {
    if (closed) return;
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
    emissions.push(
      typeof subject === 'string' ? { type, data: copy, subject } : { type, data: copy },
    );
  };

  const ctx: HandlerContext = {
    event: task.event,
    attempt: task.attempt,
    agent: task.agent,
    config: task.config,
    log,
    emit,
    get signal() {
      return signal();
    },
  };

  return {
    ctx,
    emissions,
    logs,
    timedOut: () => performance.now() >= deadline,
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (dropped > 0)
        logs.push({
          level: 'warn',
          message: `${dropped} log records dropped (limit ${MAX_LOG_RECORDS})`,
          fields: { dropped },
        });
    },
  };
}
