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

/**
 * Brand on TroupeError.prototype, from the global symbol registry: a handler may load its own copy
 * of @troupe/core (tsx's namespaced import, a project with its own install), and `instanceof`
 * fails across copies while the brand does not.
 */
const TROUPE_ERROR_BRAND = Symbol.for('troupe.dev/TroupeError');

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

Object.defineProperty(TroupeError.prototype, TROUPE_ERROR_BRAND, { value: true });

/**
 * True for a TroupeError from any copy of @troupe/core: `instanceof`, the brand, or the shape
 * (an Error with a string `code` and a boolean `retryable`) of an older copy without the brand.
 */
export function isTroupeError(value: unknown): value is TroupeError {
  if (value instanceof TroupeError) return true;
  if (typeof value !== 'object' || value === null) return false;
  if ((value as Record<symbol, unknown>)[TROUPE_ERROR_BRAND] === true) return true;
  const v = value as { code?: unknown; retryable?: unknown };
  return value instanceof Error && typeof v.code === 'string' && typeof v.retryable === 'boolean';
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
  constructor(
    delayMs: number,
    message = `retry after ${delayMs} ms`,
    options: Omit<TroupeErrorOptions, 'retryable'> = {},
  ) {
    if (!Number.isFinite(delayMs) || delayMs < 0)
      throw new RangeError(`RetryAfterError delayMs must be a finite number >= 0, got ${delayMs}`);
    super(ErrorCode.RetryAfter, message, {
      ...options,
      data: { ...options.data, delayMs },
      retryable: true,
    });
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
  if (isTroupeError(err)) {
    return {
      name: err.name,
      code: err.code,
      message: err.message,
      // A foreign copy's `data` may be missing or not an object: keep the shape documented.
      data: typeof err.data === 'object' && err.data !== null ? jsonSafe(err.data) : {},
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
    message = typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
  } catch {
    message = String(err);
  }
  return { name: 'Error', code: ErrorCode.Unknown, message, data: {}, retryable: true };
}

/** Rebuild an error by code: NonRetryableError and RetryAfterError keep their classes. */
export function deserializeError(s: SerializedError): TroupeError {
  const cause = s.cause ? deserializeError(s.cause) : undefined;
  // Tolerate a producer that left `data` out (an older or foreign serializer).
  const data: Record<string, unknown> = typeof s.data === 'object' && s.data !== null ? s.data : {};
  const opts = { data, ...(cause ? { cause } : {}) };
  let err: TroupeError;
  if (s.code === ErrorCode.NonRetryable) err = new NonRetryableError(s.message, opts);
  else if (
    s.code === ErrorCode.RetryAfter &&
    typeof data.delayMs === 'number' &&
    Number.isFinite(data.delayMs) &&
    data.delayMs >= 0
  )
    err = new RetryAfterError(data.delayMs, s.message, opts);
  else err = new TroupeError(s.code, s.message, { ...opts, retryable: s.retryable });
  err.name = s.name;
  if (s.stack !== undefined) err.stack = s.stack;
  return err;
}

/** True when the runtime may retry after this error. */
export function isRetryable(err: unknown): boolean {
  return isTroupeError(err) ? err.retryable : true;
}
