// Turns a manifest `Connection` of type `sql` into knex settings: resolves `env:NAME` secrets,
// SQLite filenames relative to the manifest's directory, a read-only SQLite handle when the
// connection says `readOnly`, and pool settings that do not connect before the first query.
import { isAbsolute, resolve } from 'node:path';
import { ErrorCode, TroupeError } from '@troupe/core';
import type { SqlConnectionSpec } from '@troupe/core';
import type { Knex } from 'knex';
import { dialectOf, knexClientOf } from './dialect.js';
import type { SqlDialect } from './dialect.js';

export interface SqlConnectionOptions {
  /** Directory SQLite filenames are relative to (the manifest's directory). Default: process.cwd(). */
  baseDir?: string;
  /** Where `env:NAME` values are read from. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Pool size for PostgreSQL / MySQL. Default: { min: 0, max: 4 }. */
  pool?: { min: number; max: number };
}

function invalid(field: string, message: string): TroupeError {
  return new TroupeError(ErrorCode.InvalidOption, `${field} ${message}`, {
    data: { field },
    retryable: false,
  });
}

/** Resolve `env:NAME` (an INVALID_OPTION naming the field when the variable is unset). */
export function resolveSecret(
  value: string,
  field: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (!value.startsWith('env:')) return value;
  const name = value.slice(4);
  const resolved = env[name];
  if (resolved === undefined || resolved === '')
    throw invalid(field, `refers to environment variable ${name}, which is not set`);
  return resolved;
}

function resolveObject(
  obj: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj))
    out[key] =
      typeof value === 'string' ? resolveSecret(value, `spec.connection.${key}`, env) : value;
  return out;
}

function sqliteFilename(raw: string, baseDir: string): string {
  const name = raw.replace(/^(sqlite|file):(\/\/)?/, '');
  if (name === ':memory:' || name === '') return ':memory:';
  return isAbsolute(name) ? name : resolve(baseDir, name);
}

/** The knex config for a spec, and the dialect it speaks. */
export function knexConfigFor(
  spec: SqlConnectionSpec,
  options: SqlConnectionOptions = {},
): { dialect: SqlDialect; config: Knex.Config } {
  const dialect = dialectOf(spec.client);
  const env = options.env ?? process.env;
  const baseDir = options.baseDir ?? process.cwd();
  const raw = spec.connection as unknown;
  let connection: Record<string, unknown> | string;
  if (typeof raw === 'string') connection = resolveSecret(raw, 'spec.connection', env);
  else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw))
    connection = resolveObject(raw as Record<string, unknown>, env);
  else throw invalid('spec.connection', 'must be an object, a URL or env:NAME');

  if (dialect === 'sqlite') {
    const file = typeof connection === 'string' ? connection : connection.filename;
    if (typeof file !== 'string') throw invalid('spec.connection.filename', 'must be a string');
    const filename = sqliteFilename(file, baseDir);
    const base = typeof connection === 'string' ? {} : connection;
    const driverOptions =
      typeof base.options === 'object' && base.options !== null ? base.options : {};
    return {
      dialect,
      config: {
        client: knexClientOf(dialect),
        connection: {
          ...base,
          filename,
          options: { ...driverOptions, readonly: spec.readOnly === true },
        },
        useNullAsDefault: true,
      },
    };
  }
  const pool = options.pool ?? { min: 0, max: 4 };
  return {
    dialect,
    config: {
      client: knexClientOf(dialect),
      connection:
        typeof connection === 'string' && dialect === 'postgresql'
          ? { connectionString: connection }
          : connection,
      pool,
    } as Knex.Config,
  };
}
