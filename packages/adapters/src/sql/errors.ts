// The three SQL outcomes a caller (and a repair agent) must tell apart: a refusal by the guard
// (SQL_REFUSED, never retried), a timeout (SQL_TIMEOUT) and a database error (SQL_ERROR) whose
// `data.driverCode` and `data.kind` classify unknown columns / tables and syntax errors.
import { ErrorCode, TroupeError } from '@troupe/core';
import type { SqlDialect } from './dialect.js';

/** Which guard layer refused a statement. */
export type GuardLayer = 'parse' | 'tables' | 'functions' | 'row-cap' | 'read-only';

/** How a database error is classified for repair. */
export type SqlErrorKind = 'unknown-column' | 'unknown-table' | 'syntax' | 'connection' | 'other';

/** A refusal: the statement never ran (or the read-only net stopped a write). */
export function sqlRefused(
  layer: GuardLayer,
  dialect: SqlDialect,
  reason: string,
  extra: Record<string, unknown> = {},
): TroupeError {
  return new TroupeError(ErrorCode.SqlRefused, `SQL refused (${layer}): ${reason}`, {
    data: { layer, reason, dialect, ...extra },
    retryable: false,
  });
}

/** A statement timeout or an abort. */
export function sqlTimeout(
  dialect: SqlDialect,
  timeoutMs: number,
  extra: Record<string, unknown> = {},
  cause?: unknown,
): TroupeError {
  return new TroupeError(
    ErrorCode.SqlTimeout,
    `SQL statement exceeded its ${timeoutMs} ms timeout`,
    {
      data: { timeoutMs, dialect, ...extra },
      cause,
      retryable: false,
    },
  );
}

interface DriverErrorLike {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
}

function driverCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, errno } = err as DriverErrorLike;
  if (typeof code === 'string') return code;
  if (typeof errno === 'number') return String(errno);
  return undefined;
}

const PG_KINDS: Readonly<Record<string, SqlErrorKind>> = {
  '42703': 'unknown-column',
  '42P01': 'unknown-table',
  '42601': 'syntax',
  '42883': 'other',
};
const MYSQL_KINDS: Readonly<Record<string, SqlErrorKind>> = {
  ER_BAD_FIELD_ERROR: 'unknown-column',
  ER_NO_SUCH_TABLE: 'unknown-table',
  ER_PARSE_ERROR: 'syntax',
};

function classify(dialect: SqlDialect, code: string | undefined, message: string): SqlErrorKind {
  if (code !== undefined && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPIPE|08)/.test(code))
    return 'connection';
  if (dialect === 'postgresql' && code !== undefined) return PG_KINDS[code] ?? 'other';
  if (dialect === 'mysql' && code !== undefined) return MYSQL_KINDS[code] ?? 'other';
  // SQLite reports every compile error as SQLITE_ERROR: the message tells them apart.
  if (/no such column/i.test(message)) return 'unknown-column';
  if (/no such table/i.test(message)) return 'unknown-table';
  if (/syntax error|incomplete input/i.test(message)) return 'syntax';
  return 'other';
}

/** Wrap a driver error as SQL_ERROR with `driverCode` and `kind`; TroupeErrors pass through. */
export function sqlError(dialect: SqlDialect, err: unknown): TroupeError {
  if (err instanceof TroupeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const driverCode = driverCodeOf(err);
  const kind = classify(dialect, driverCode, message);
  return new TroupeError(ErrorCode.SqlError, `SQL error: ${message}`, {
    data: { dialect, driverCode: driverCode ?? null, kind },
    cause: err,
    retryable: kind === 'connection',
  });
}

/** The driver code of an error, if any (for timeout and read-only detection). */
export function driverCode(err: unknown): string | undefined {
  return driverCodeOf(err);
}
