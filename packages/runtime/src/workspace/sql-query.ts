// The one SELECT behind `list` and `search` on SQL stores, portable across SQLite and
// PostgreSQL: tags as EXISTS on the side table (all must match), prefix via substr, text as
// LIKE with escaped wildcards, keys in byte order (PostgreSQL needs COLLATE "C" for that).
import type { PreparedQuery } from './options.js';
import type { SqlDialect, SqlTables } from './sql-schema.js';

/** A row of the entry table as the drivers return it (pg returns bigint as string). */
export interface EntryRow {
  scope: string;
  key: string;
  value: string;
  tags: string;
  metadata: string;
  version: number | string;
  created_at: number | string;
  updated_at: number | string;
  expires_at: number | string | null;
  created_by: string | null;
}

export type SqlBinding = string | number | null;

/** Rows of a raw knex result: better-sqlite3 gives an array, pg a result with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return (result as { rows?: T[] } | undefined)?.rows ?? [];
}

/** `%`, `_` and the escape character itself match literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function buildQuery(
  t: SqlTables,
  dialect: SqlDialect,
  q: PreparedQuery,
  now: number,
): [string, (string | number)[]] {
  const where = ['(e.expires_at IS NULL OR e.expires_at > ?)'];
  const bindings: (string | number)[] = [now];
  if (q.scope !== undefined) {
    where.push('e.scope = ?');
    bindings.push(q.scope);
  }
  if (q.prefix !== undefined) {
    // substr counts characters (code points) on both dialects.
    where.push('substr(e."key", 1, ?) = ?');
    bindings.push([...q.prefix].length, q.prefix);
  }
  for (const tag of q.tags) {
    where.push(
      `EXISTS (SELECT 1 FROM ${t.tags} g WHERE g.scope = e.scope AND g."key" = e."key" AND g.tag = ?)`,
    );
    bindings.push(tag);
  }
  if (q.text !== undefined) {
    where.push(`(lower(e."key") LIKE ? ESCAPE '\\' OR lower(e."value") LIKE ? ESCAPE '\\')`);
    const pattern = likePattern(q.text);
    bindings.push(pattern, pattern);
  }
  const collate = dialect === 'postgres' ? ' COLLATE "C"' : '';
  bindings.push(q.limit);
  return [
    `SELECT e.* FROM ${t.entries} e WHERE ${where.join(' AND ')}
    ORDER BY e.scope${collate}, e."key"${collate} LIMIT ?`,
    bindings,
  ];
}
