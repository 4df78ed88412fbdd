// Errors of the admin API as RFC 9457 `application/problem+json`: `type`, `title`, `status`,
// `detail`, plus our stable `code` (and the error's `data` where it helps the caller fix the
// request). Every route throws TroupeErrors; one express error handler turns them into
// problems, so no route formats an error body by hand and no stack trace ever leaves the node.
import { ErrorCode, TroupeError, isTroupeError, type ErrorCode as Code } from '@troupe/core';
import type { ErrorRequestHandler, Response } from 'express';

/** Media type of every error body. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Base of the `type` URIs: `<base><code in kebab case>`. */
export const PROBLEM_TYPE_BASE = 'https://troupe.dev/problems/';

/** The problem document the API returns. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** Stable error code (`ErrorCode`). */
  readonly code: string;
  /** Machine-readable details (diagnostics, field, correlationId…), when there are any. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** HTTP status of each error code the API can return; anything else is a 500. */
const STATUS: Partial<Record<Code, number>> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.InvalidOption]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.NotEntryType]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.SchemaInvalid]: 422,
  [ErrorCode.ManifestInvalid]: 422,
  [ErrorCode.ManifestParse]: 422,
  [ErrorCode.TransportUnavailable]: 503,
  [ErrorCode.Timeout]: 504,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A TroupeError that also fixes the HTTP status (for statuses no error code implies). */
export class HttpError extends TroupeError {
  readonly status: number;
  constructor(
    status: number,
    code: Code,
    message: string,
    data?: Readonly<Record<string, unknown>>,
  ) {
    super(code, message, { retryable: false, ...(data ? { data: { ...data } } : {}) });
    this.name = 'HttpError';
    this.status = status;
  }
}

/** A 400 naming the field at fault. */
export function badRequest(message: string, field?: string): HttpError {
  return new HttpError(
    400,
    ErrorCode.BadRequest,
    message,
    field === undefined ? undefined : { field },
  );
}

/** A 404 naming what was looked up. */
export function notFound(kind: string, name: string, hint = ''): HttpError {
  return new HttpError(404, ErrorCode.NotFound, `${kind} ${name} not found${hint}`, {
    kind,
    name,
  });
}

function kebab(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}

/** express / body-parser errors carry `status` and a `type` such as `entity.too.large`. */
interface ParserError {
  status?: number;
  statusCode?: number;
  type?: string;
  limit?: number;
  message?: string;
}

function fromParser(err: ParserError): TroupeError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new HttpError(
        413,
        ErrorCode.PayloadTooLarge,
        `request body is larger than the ${err.limit ?? 'configured'}-byte limit`,
        err.limit === undefined ? undefined : { limit: err.limit },
      );
    case 'entity.parse.failed':
      return badRequest(`request body is not valid JSON: ${err.message ?? 'parse error'}`, 'body');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, ErrorCode.BadRequest, err.message ?? 'unsupported encoding');
    default:
      return undefined;
  }
}

/** The problem document for any thrown value. Unknown errors become a 500 without internals. */
export function toProblem(err: unknown): Problem {
  const parsed =
    typeof err === 'object' && err !== null && !isTroupeError(err) ? fromParser(err) : undefined;
  const e = parsed ?? err;
  if (isTroupeError(e)) {
    const status = e instanceof HttpError ? e.status : (STATUS[e.code as Code] ?? 500);
    const data = e.data && Object.keys(e.data).length > 0 ? { data: e.data } : {};
    return {
      type: `${PROBLEM_TYPE_BASE}${kebab(e.code)}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail: e.message,
      code: e.code,
      ...data,
    };
  }
  return {
    type: `${PROBLEM_TYPE_BASE}unknown`,
    title: TITLES[500]!,
    status: 500,
    detail: 'internal error (see the node log)',
    code: ErrorCode.Unknown,
  };
}

/** Write `problem` as the response. */
export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** The express error handler of the admin app; 5xx causes are logged through `onServerError`. */
export function problemHandler(onServerError: (err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const problem = toProblem(err);
    if (problem.status >= 500 && problem.code === ErrorCode.Unknown) onServerError(err);
    sendProblem(res, problem);
  };
}
