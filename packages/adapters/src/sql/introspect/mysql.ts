// MySQL / MariaDB introspection of the connection's database (`DATABASE()`) from
// information_schema.
import type { Knex } from 'knex';
import type { ForeignKeyInfo, TableInfo, TableName } from './types.js';
import { rawAs } from './raw.js';

type MysqlRows<T> = [T[], unknown];

export async function currentMysqlDatabase(knex: Knex): Promise<string> {
  const [rows] = await rawAs<MysqlRows<{ db: string | null }>>(knex, 'SELECT DATABASE() AS db');
  return rows[0]?.db ?? '';
}

export async function listMysqlTables(knex: Knex): Promise<TableName[]> {
  const schema = await currentMysqlDatabase(knex);
  const [rows] = await rawAs<MysqlRows<{ name: string; type: string }>>(
    knex,
    `SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
    [schema],
  );
  return rows.map((t) => ({ schema, name: t.name, kind: t.type === 'VIEW' ? 'view' : 'table' }));
}

export async function describeMysqlTable(knex: Knex, table: TableName): Promise<TableInfo> {
  const [cols] = await rawAs<MysqlRows<{ name: string; type: string; nullable: string }>>(
    knex,
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_KEY AS ckey
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
      ORDER BY ORDINAL_POSITION`,
    [table.schema, table.name],
  );
  const [keys] = await rawAs<
    MysqlRows<{
      name: string;
      col: string;
      ref_schema: string | null;
      ref_table: string | null;
      ref_col: string | null;
    }>
  >(
    knex,
    `SELECT CONSTRAINT_NAME AS name, COLUMN_NAME AS col, REFERENCED_TABLE_SCHEMA AS ref_schema,
            REFERENCED_TABLE_NAME AS ref_table, REFERENCED_COLUMN_NAME AS ref_col
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
      ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION`,
    [table.schema, table.name],
  );
  const fks = new Map<string, ForeignKeyInfo>();
  for (const k of keys) {
    if (k.ref_table === null) continue;
    const refTable = k.ref_schema === table.schema ? k.ref_table : `${k.ref_schema}.${k.ref_table}`;
    const entry = fks.get(k.name) ?? { columns: [], refTable, refColumns: [] };
    entry.columns.push(k.col);
    if (k.ref_col !== null) entry.refColumns.push(k.ref_col);
    fks.set(k.name, entry);
  }
  return {
    name: table.name,
    schema: table.schema,
    kind: table.kind,
    columns: cols.map((c) => ({
      name: c.name,
      type: c.type.toLowerCase(),
      nullable: c.nullable === 'YES',
    })),
    primaryKey: keys.filter((k) => k.name === 'PRIMARY').map((k) => k.col),
    foreignKeys: [...fks.values()],
  };
}
