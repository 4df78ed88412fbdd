// The SQL workspace schema and its idempotent migration, run by the store on open: one entry
// table (primary key (scope, key), JSON as text so both dialects match text the same way), a
// side table of (scope, key, tag) so tag search is plain portable SQL on SQLite and PostgreSQL,
// and the triggers that maintain that side table.
import type { Knex } from 'knex';
import { invalidArgument } from './errors.js';

/** The two dialects the store speaks (knex `client.dialect`). */
export type SqlDialect = 'sqlite' | 'postgres';

export function dialectOf(db: Knex): SqlDialect {
  const dialect = (db.client as { dialect?: string }).dialect;
  if (dialect === 'sqlite3') return 'sqlite';
  if (dialect === 'postgresql') return 'postgres';
  throw invalidArgument(
    'options.knex',
    `uses knex dialect ${String(dialect)}; the workspace store supports SQLite (better-sqlite3) and PostgreSQL (pg)`,
  );
}

/** The quoted table names; `table` was validated as a plain identifier. */
export interface SqlTables {
  readonly entries: string;
  readonly tags: string;
  readonly raw: string;
}

export function sqlTables(table: string): SqlTables {
  if (typeof table !== 'string' || !/^[a-z_][a-z0-9_]{0,50}$/.test(table))
    throw invalidArgument('options.table', 'must match [a-z_][a-z0-9_]{0,50}');
  return { entries: `"${table}"`, tags: `"${table}_tags"`, raw: table };
}

function tableSteps(t: SqlTables): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${t.entries} (
      scope varchar(256) NOT NULL,
      "key" varchar(512) NOT NULL,
      "value" text NOT NULL,
      tags text NOT NULL,
      metadata text NOT NULL,
      version bigint NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      expires_at bigint,
      created_by varchar(256),
      PRIMARY KEY (scope, "key")
    )`,
    `CREATE INDEX IF NOT EXISTS "${t.raw}_expires_idx" ON ${t.entries} (expires_at)`,
    `CREATE TABLE IF NOT EXISTS ${t.tags} (
      scope varchar(256) NOT NULL,
      "key" varchar(512) NOT NULL,
      tag varchar(128) NOT NULL,
      PRIMARY KEY (scope, "key", tag)
    )`,
    `CREATE INDEX IF NOT EXISTS "${t.raw}_tags_tag_idx" ON ${t.tags} (tag, scope)`,
  ];
}

// Triggers keep the tag table equal to the `tags` JSON of each row, so every write of the store
// is one autocommit statement: atomic without a multi-statement transaction, one round trip on
// PostgreSQL, and never a SQLite lock held across an `await` (better-sqlite3 waits for a busy
// lock synchronously, which would stall every other connection in the same process).
function sqliteTriggerSteps(t: SqlTables): string[] {
  const insertTags = `INSERT OR IGNORE INTO ${t.tags} (scope, "key", tag)
    SELECT NEW.scope, NEW."key", j.value FROM json_each(NEW.tags) j;`;
  const deleteTags = `DELETE FROM ${t.tags} WHERE scope = OLD.scope AND "key" = OLD."key";`;
  return [
    `CREATE TRIGGER IF NOT EXISTS "${t.raw}_tags_ins" AFTER INSERT ON ${t.entries}
      BEGIN ${insertTags} END`,
    `CREATE TRIGGER IF NOT EXISTS "${t.raw}_tags_upd" AFTER UPDATE OF tags ON ${t.entries}
      WHEN OLD.tags IS NOT NEW.tags BEGIN ${deleteTags} ${insertTags} END`,
    `CREATE TRIGGER IF NOT EXISTS "${t.raw}_tags_del" AFTER DELETE ON ${t.entries}
      BEGIN ${deleteTags} END`,
  ];
}

function pgTriggerSteps(t: SqlTables): string[] {
  const fn = `"${t.raw}_sync_tags"`;
  const trigger = (name: string, event: string, when = '') => `DO $do$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '${t.raw}_${name}'
                   AND tgrelid = '${t.entries}'::regclass) THEN
      CREATE TRIGGER "${t.raw}_${name}" ${event} ON ${t.entries} FOR EACH ROW ${when}
        EXECUTE FUNCTION ${fn}();
    END IF;
  END $do$`;
  return [
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        DELETE FROM ${t.tags} WHERE scope = OLD.scope AND "key" = OLD."key";
      END IF;
      IF TG_OP <> 'DELETE' THEN
        INSERT INTO ${t.tags} (scope, "key", tag)
          SELECT NEW.scope, NEW."key", j FROM json_array_elements_text(NEW.tags::json) j
          ON CONFLICT DO NOTHING;
      END IF;
      RETURN NULL;
    END $fn$`,
    trigger('tags_ins', 'AFTER INSERT'),
    trigger('tags_upd', 'AFTER UPDATE OF tags', 'WHEN (OLD.tags IS DISTINCT FROM NEW.tags)'),
    trigger('tags_del', 'AFTER DELETE'),
  ];
}

/**
 * Create the tables and indexes when missing. Safe to run from many stores at once: every step
 * is IF NOT EXISTS, and PostgreSQL's rare duplicate-type race between two creators is retried.
 */
export async function migrateWorkspaceSchema(
  db: Knex,
  dialect: SqlDialect,
  tables: SqlTables,
): Promise<void> {
  const steps = [
    ...tableSteps(tables),
    ...(dialect === 'sqlite' ? sqliteTriggerSteps(tables) : pgTriggerSteps(tables)),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      for (const step of steps) await db.raw(step);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
