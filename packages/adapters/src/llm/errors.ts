// How an OpenAI-compatible server's failures become Troupe errors, so the runtime's retry
// policy steers itself: 429 and 5xx are retryable (a RetryAfterError when the server says how
// long to wait), other 4xx are not, network failures are, a reply that breaks the protocol is
// not (it means a wrong base URL or an incompatible server, which retrying will not fix).
import { ErrorCode, RetryAfterError, TroupeError } from '@troupe/core';

/** What every LLM error's `data` names: where the request went. */
export interface LlmTarget {
  baseUrl: string;
  model: string;
}

/** Longest slice of a response body kept in `data.body`. */
export const MAX_ERROR_BODY = 500;

/** Parse Retry-After (delta-seconds or an HTTP date) into ms; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function serverMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as {
      error?: { message?: unknown } | string;
      message?: unknown;
    };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: the raw body is kept in data.body.
  }
  return undefined;
}

/** The error for a non-2xx response. */
export function httpError(
  target: LlmTarget,
  status: number,
  body: string,
  retryAfter: string | null,
): TroupeError {
  const detail = serverMessage(body);
  const message = `LLM ${target.model} at ${target.baseUrl} answered HTTP ${status}${detail === undefined ? '' : `: ${detail}`}`;
  const data = { kind: 'http', status, ...target, body: body.slice(0, MAX_ERROR_BODY) };
  const retryable = status === 429 || status >= 500;
  const delayMs = retryable ? parseRetryAfter(retryAfter) : undefined;
  if (delayMs !== undefined) return new RetryAfterError(delayMs, message, { data });
  return new TroupeError(ErrorCode.LlmError, message, { data, retryable });
}

/** The error for a fetch that never got a response (refused, reset, DNS). */
export function networkError(target: LlmTarget, cause: unknown): TroupeError {
  const reason =
    cause instanceof Error
      ? cause.cause instanceof Error
        ? cause.cause.message
        : cause.message
      : String(cause);
  return new TroupeError(
    ErrorCode.LlmError,
    `LLM ${target.model} at ${target.baseUrl} could not be reached: ${reason}`,
    { data: { kind: 'network', ...target }, cause, retryable: true },
  );
}

/** The error for a 2xx reply that is not a chat completion. */
export function protocolError(target: LlmTarget, what: string, body: string): TroupeError {
  return new TroupeError(
    ErrorCode.LlmError,
    `LLM ${target.model} at ${target.baseUrl} sent a reply that is not a chat completion: ${what}`,
    {
      data: { kind: 'protocol', ...target, body: body.slice(0, MAX_ERROR_BODY) },
      retryable: false,
    },
  );
}

/** The error for a request that ran out of time or was aborted by the caller. */
export function timeoutError(target: LlmTarget, timeoutMs: number, aborted: boolean): TroupeError {
  const message = aborted
    ? `LLM ${target.model} at ${target.baseUrl}: request aborted`
    : `LLM ${target.model} at ${target.baseUrl} did not answer within ${timeoutMs} ms`;
  return new TroupeError(ErrorCode.LlmTimeout, message, {
    data: { timeoutMs, aborted, ...target },
    retryable: true,
  });
}
