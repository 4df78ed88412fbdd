// SQLite introspection through PRAGMA table_info / foreign_key_list on the `main` schema.
import type { Knex } from 'knex';
import type { ForeignKeyInfo, TableInfo, TableName } from './types.js';
import { rawAs } from './raw.js';

interface PragmaColumn {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}
interface PragmaForeignKey {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function listSqliteTables(knex: Knex): Promise<TableName[]> {
  const rows = await rawAs<{ name: string; type: string }[]>(
    knex,
    "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  );
  return rows.map((r) => ({
    schema: 'main',
    name: r.name,
    kind: r.type === 'view' ? 'view' : 'table',
  }));
}

export async function describeSqliteTable(knex: Knex, table: TableName): Promise<TableInfo> {
  const cols = await rawAs<PragmaColumn[]>(knex, `PRAGMA main.table_info(${quote(table.name)})`);
  const fks = await rawAs<PragmaForeignKey[]>(
    knex,
    `PRAGMA main.foreign_key_list(${quote(table.name)})`,
  );
  const byId = new Map<number, ForeignKeyInfo>();
  for (const fk of [...fks].sort((a, b) => a.id - b.id || a.seq - b.seq)) {
    const entry = byId.get(fk.id) ?? { columns: [], refTable: fk.table, refColumns: [] };
    entry.columns.push(fk.from);
    if (fk.to !== null) entry.refColumns.push(fk.to);
    byId.set(fk.id, entry);
  }
  return {
    name: table.name,
    schema: 'main',
    kind: table.kind,
    columns: cols.map((c) => ({
      name: c.name,
      type: c.type.toLowerCase(),
      nullable: c.notnull === 0 && c.pk === 0,
    })),
    primaryKey: cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name),
    foreignKeys: [...byId.values()],
  };
}

export function sqliteQuote(name: string): string {
  return quote(name);
}
