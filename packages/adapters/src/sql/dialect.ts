// The three SQL families Troupe speaks, and how a manifest's `client` maps onto them: the knex
// client that drives the connection and the node-sql-parser grammar the guard parses with.
import { ErrorCode, TroupeError } from '@troupe/core';
import type { SqlConnectionSpec } from '@troupe/core';

/** The dialect families the guard and introspection know. MariaDB is `mysql`. */
export type SqlDialect = 'sqlite' | 'postgresql' | 'mysql';

/** knex client names used for each dialect. */
export type KnexClientName = 'better-sqlite3' | 'pg' | 'mysql2';

const DIALECTS: Readonly<Record<SqlConnectionSpec['client'], SqlDialect>> = {
  sqlite: 'sqlite',
  'better-sqlite3': 'sqlite',
  pg: 'postgresql',
  postgres: 'postgresql',
  mysql: 'mysql',
  mysql2: 'mysql',
};

const KNEX_CLIENTS: Readonly<Record<SqlDialect, KnexClientName>> = {
  sqlite: 'better-sqlite3',
  postgresql: 'pg',
  mysql: 'mysql2',
};

/** The dialect of a manifest `client` value; an unknown client is an INVALID_OPTION naming the field. */
export function dialectOf(client: string): SqlDialect {
  const dialect = (DIALECTS as Record<string, SqlDialect | undefined>)[client];
  if (dialect === undefined) {
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `spec.client must be one of ${Object.keys(DIALECTS).join(', ')}, got ${JSON.stringify(client)}`,
      { data: { field: 'spec.client' }, retryable: false },
    );
  }
  return dialect;
}

/** The knex client that drives a dialect. */
export function knexClientOf(dialect: SqlDialect): KnexClientName {
  return KNEX_CLIENTS[dialect];
}
