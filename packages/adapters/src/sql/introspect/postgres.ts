// PostgreSQL introspection of the current search_path schema (`current_schema()`), from
// information_schema for tables and columns and pg_catalog for primary and foreign keys.
import type { Knex } from 'knex';
import type { TableInfo, TableName } from './types.js';
import { rawAs } from './raw.js';

interface PgRows<T> {
  rows: T[];
}

export async function currentPgSchema(knex: Knex): Promise<string> {
  const r = await rawAs<PgRows<{ s: string | null }>>(knex, 'SELECT current_schema() AS s');
  return r.rows[0]?.s ?? 'public';
}

export async function listPgTables(knex: Knex): Promise<TableName[]> {
  const schema = await currentPgSchema(knex);
  const r = await rawAs<PgRows<{ name: string; type: string }>>(
    knex,
    `SELECT table_name AS name, table_type AS type FROM information_schema.tables
      WHERE table_schema = ? ORDER BY table_name`,
    [schema],
  );
  return r.rows.map((t) => ({ schema, name: t.name, kind: t.type === 'VIEW' ? 'view' : 'table' }));
}

export async function describePgTable(knex: Knex, table: TableName): Promise<TableInfo> {
  const cols = await rawAs<PgRows<{ name: string; type: string; nullable: string }>>(
    knex,
    `SELECT column_name AS name, data_type AS type, is_nullable AS nullable
       FROM information_schema.columns WHERE table_schema = ? AND table_name = ?
      ORDER BY ordinal_position`,
    [table.schema, table.name],
  );
  const keys = await rawAs<
    PgRows<{
      kind: string;
      ref_table: string | null;
      ref_schema: string | null;
      cols: string[];
      ref_cols: string[];
    }>
  >(
    knex,
    `SELECT con.contype AS kind, con.conname AS name, ref.relname AS ref_table, refns.nspname AS ref_schema,
            ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS cols,
            ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS ref_cols
       FROM pg_constraint con
       JOIN pg_class rel ON rel.oid = con.conrelid
       JOIN pg_namespace ns ON ns.oid = rel.relnamespace
       LEFT JOIN pg_class ref ON ref.oid = con.confrelid
       LEFT JOIN pg_namespace refns ON refns.oid = ref.relnamespace
      WHERE ns.nspname = ? AND rel.relname = ? AND con.contype IN ('p', 'f')
      ORDER BY con.conname`,
    [table.schema, table.name],
  );
  const pk = keys.rows.find((k) => k.kind === 'p');
  return {
    name: table.name,
    schema: table.schema,
    kind: table.kind,
    columns: cols.rows.map((c) => ({
      name: c.name,
      type: c.type.toLowerCase(),
      nullable: c.nullable === 'YES',
    })),
    primaryKey: pk?.cols ?? [],
    foreignKeys: keys.rows
      .filter((k) => k.kind === 'f' && k.ref_table !== null)
      .map((k) => ({
        columns: k.cols,
        refTable: k.ref_schema === table.schema ? k.ref_table! : `${k.ref_schema}.${k.ref_table}`,
        refColumns: k.ref_cols,
      })),
  };
}
