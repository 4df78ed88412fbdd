// The archive's default database: an SQLite file (WAL, busy timeout, NORMAL sync) whose
// directory is created on demand; `:memory:` stays as it is.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Knex } from 'knex';

export function resolveFile(filename: string): string {
  return filename === ':memory:' ? filename : resolve(filename);
}

export function sqliteConfig(filename: string): Knex.Config {
  const file = resolveFile(filename);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return {
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      afterCreate(
        conn: { pragma(s: string): unknown },
        done: (err: Error | null, c: unknown) => void,
      ) {
        try {
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 5000');
          conn.pragma('synchronous = NORMAL');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  };
}
