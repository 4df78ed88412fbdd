// One base error with a stable string code and documented `data` (STYLE.md §5), the two
// control-flow errors handlers throw to steer retries (§6), and a serialized form that keeps
// code, data and cause across worker threads, Redis and the DLQ.
import { ErrorCode } from './codes.js';

export interface TroupeErrorOptions {
  data?: Record<string, unknown>;
  cause?: unknown;
  /** false: the runtime must not retry. Defaults to true. */
  retryable?: boolean;
}

/** Base of every error Troupe raises on purpose. Match on `code`, not on the message. */
export class TroupeError extends Error {
  readonly code: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: TroupeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TroupeError';
    this.code = code;
    this.data = options.data ?? {};
    this.retryable = options.retryable ?? true;
  }
}

/** Thrown by a handler: this failure will not go away by retrying; dead-letter at once. */
export class NonRetryableError extends TroupeError {
  constructor(message: string, options: Omit<TroupeErrorOptions, 'retryable'> = {}) {
    super(ErrorCode.NonRetryable, message, { ...options, retryable: false });
    this.name = 'NonRetryableError';
  }
}

/** Thrown by a handler: retry, but not before `delayMs` (e.g. a 429 with Retry-After). */
export class RetryAfterError extends TroupeError {
  readonly delayMs: number;
  constructor(delayMs: number, message = `retry after ${delayMs} ms`, options: Omit<TroupeErrorOptions, 'retryable'> = {}) {
    if (!Number.isFinite(delayMs) || delayMs < 0)
      throw new RangeError(`RetryAfterError delayMs must be a finite number >= 0, got ${delayMs}`);
    super(ErrorCode.RetryAfter, message, { ...options, data: { ...options.data, delayMs }, retryable: true });
    this.name = 'RetryAfterError';
    this.delayMs = delayMs;
  }
}

/** Plain-data form of an error: safe for postMessage, JSON and Redis. */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  data: Record<string, unknown>;
  retryable: boolean;
  stack?: string;
  cause?: SerializedError;
}

const MAX_CAUSE_DEPTH = 8;

function jsonSafe(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
  } catch {
    return { unserializable: true };
  }
}

/** Serialize anything thrown. Non-Error values become code UNKNOWN with their string form. */
export function serializeError(err: unknown, depth = 0): SerializedError {
  if (err instanceof TroupeError) {
    return {
      name: err.name,
      code: err.code,
      message: err.message,
      data: jsonSafe(err.data),
      retryable: err.retryable,
      ...(err.stack === undefined ? {} : { stack: err.stack }),
      ...(err.cause !== undefined && depth < MAX_CAUSE_DEPTH
        ? { cause: serializeError(err.cause, depth + 1) }
        : {}),
    };
  }
  if (err instanceof Error) {
    return {
      name: err.name,
      code: ErrorCode.HandlerFailed,
      message: err.message,
      data: {},
      retryable: true,
      ...(err.stack === undefined ? {} : { stack: err.stack }),
      ...(err.cause !== undefined && depth < MAX_CAUSE_DEPTH
        ? { cause: serializeError(err.cause, depth + 1) }
        : {}),
    };
  }
  let message: string;
  try {
    message = typeof err === 'string' ? err : JSON.stringify(err) ?? String(err);
  } catch {
    message = String(err);
  }
  return { name: 'Error', code: ErrorCode.Unknown, message, data: {}, retryable: true };
}

/** Rebuild an error by code: NonRetryableError and RetryAfterError keep their classes. */
export function deserializeError(s: SerializedError): TroupeError {
  const cause = s.cause ? deserializeError(s.cause) : undefined;
  const opts = { data: s.data, ...(cause ? { cause } : {}) };
  let err: TroupeError;
  if (s.code === ErrorCode.NonRetryable) err = new NonRetryableError(s.message, opts);
  else if (s.code === ErrorCode.RetryAfter && typeof s.data.delayMs === 'number')
    err = new RetryAfterError(s.data.delayMs, s.message, opts);
  else err = new TroupeError(s.code, s.message, { ...opts, retryable: s.retryable });
  err.name = s.name;
  if (s.stack !== undefined) err.stack = s.stack;
  return err;
}

/** True when the runtime may retry after this error. */
export function isRetryable(err: unknown): boolean {
  return err instanceof TroupeError ? err.retryable : true;
}
