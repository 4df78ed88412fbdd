// Schema introspection for SQLite, PostgreSQL (the current search_path schema) and
// MySQL/MariaDB (the connection's database): tables and views, columns with type and
// nullability, primary and foreign keys, and a few distinct sample values per text column.
// It runs through the trusted `raw` knex, not the guard: it is the platform's own SQL.
import type { Knex } from 'knex';
import type { SqlDialect } from '../dialect.js';
import { describeMysqlTable, listMysqlTables } from './mysql.js';
import { describePgTable, listPgTables } from './postgres.js';
import { describeSqliteTable, listSqliteTables } from './sqlite.js';
import { isTextType } from './types.js';
import type { IntrospectOptions, SchemaInfo, TableInfo, TableName } from './types.js';

export type {
  ColumnInfo,
  ForeignKeyInfo,
  IntrospectOptions,
  SchemaInfo,
  TableInfo,
  TableName,
} from './types.js';

/** What introspection needs from a client: its dialect and a trusted knex. */
export interface Introspectable {
  readonly dialect: SqlDialect;
  readonly raw: Knex;
}

/** Default number of sample values per text column. */
export const DEFAULT_SAMPLES = 5;
/** Default longest sample value, in characters. */
export const DEFAULT_MAX_SAMPLE_LENGTH = 80;

/** User tables and views of the introspected schema (never system catalogs). */
export async function listUserTables(client: Introspectable): Promise<TableName[]> {
  switch (client.dialect) {
    case 'sqlite':
      return listSqliteTables(client.raw);
    case 'postgresql':
      return listPgTables(client.raw);
    case 'mysql':
      return listMysqlTables(client.raw);
  }
}

function describe(client: Introspectable, table: TableName): Promise<TableInfo> {
  switch (client.dialect) {
    case 'sqlite':
      return describeSqliteTable(client.raw, table);
    case 'postgresql':
      return describePgTable(client.raw, table);
    case 'mysql':
      return describeMysqlTable(client.raw, table);
  }
}

function rowsOf(dialect: SqlDialect, result: unknown): Record<string, unknown>[] {
  if (dialect === 'postgresql') return (result as { rows: Record<string, unknown>[] }).rows;
  if (dialect === 'mysql') return (result as [Record<string, unknown>[]])[0];
  return result as Record<string, unknown>[];
}

async function samplesFor(
  client: Introspectable,
  table: TableInfo,
  column: string,
  count: number,
  maxLength: number,
): Promise<string[]> {
  const from = client.dialect === 'sqlite' ? table.name : `${table.schema}.${table.name}`;
  const result: unknown = await client.raw.raw(
    'SELECT DISTINCT ?? AS v FROM ?? WHERE ?? IS NOT NULL ORDER BY 1 LIMIT ?',
    [column, from, column, count],
  );
  return rowsOf(client.dialect, result).map((r) => {
    const value = String(r.v);
    return value.length > maxLength ? `${value.slice(0, maxLength)}…` : value;
  });
}

/** Describe every user table and view of the client's schema. */
export async function introspect(
  client: Introspectable,
  options: IntrospectOptions = {},
): Promise<SchemaInfo> {
  const samples = options.samples ?? DEFAULT_SAMPLES;
  const maxLength = options.maxSampleLength ?? DEFAULT_MAX_SAMPLE_LENGTH;
  const names = await listUserTables(client);
  const tables: TableInfo[] = [];
  for (const name of names) {
    const table = await describe(client, name);
    if (samples > 0) {
      for (const column of table.columns) {
        if (isTextType(column.type))
          column.samples = await samplesFor(client, table, column.name, samples, maxLength);
      }
    }
    tables.push(table);
  }
  const schema = names[0]?.schema ?? (await schemaName(client));
  return { dialect: client.dialect, schema, tables };
}

async function schemaName(client: Introspectable): Promise<string> {
  if (client.dialect === 'sqlite') return 'main';
  const result: unknown = await client.raw.raw(
    client.dialect === 'postgresql' ? 'SELECT current_schema() AS s' : 'SELECT DATABASE() AS s',
  );
  const value = rowsOf(client.dialect, result)[0]?.s;
  return typeof value === 'string' ? value : '';
}
