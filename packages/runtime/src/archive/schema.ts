// The archive's SQL schema and its idempotent migration (knex schema builder, so SQLite and
// PostgreSQL share one definition): an events table keyed by event id (a redelivered or
// replayed event is stored once) and an outcomes table with one row per handling attempt.
// Indexes on correlation id, type and time serve traces, replay selection and audits.
import type { Knex } from 'knex';
import { ErrorCode, TroupeError } from '@troupe/core';

export interface ArchiveTables {
  readonly events: string;
  readonly outcomes: string;
}

export function archiveTables(prefix: string): ArchiveTables {
  if (typeof prefix !== 'string' || !/^[a-z_][a-z0-9_]{0,40}$/.test(prefix))
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `options.tablePrefix must match [a-z_][a-z0-9_]{0,40}, got ${JSON.stringify(prefix)}`,
      { retryable: false, data: { field: 'options.tablePrefix' } },
    );
  return { events: `${prefix}_events`, outcomes: `${prefix}_outcomes` };
}

/** Create the tables and indexes when missing. Safe to run on every open. */
export async function migrateArchive(db: Knex, t: ArchiveTables): Promise<void> {
  if (!(await db.schema.hasTable(t.events)))
    await ignoreExists(
      db.schema.createTable(t.events, (tb) => {
        tb.string('id', 64).primary();
        tb.string('type', 255).notNullable().index(`${t.events}_type_idx`);
        tb.string('source', 512).notNullable();
        tb.string('correlation_id', 128).notNullable().index(`${t.events}_corr_idx`);
        tb.string('causation_id', 64).nullable();
        tb.integer('hops').notNullable();
        tb.bigInteger('time_ms').notNullable().index(`${t.events}_time_idx`);
        tb.bigInteger('recorded_at').notNullable();
        tb.text('body').notNullable();
      }),
    );
  if (!(await db.schema.hasTable(t.outcomes)))
    await ignoreExists(
      db.schema.createTable(t.outcomes, (tb) => {
        tb.increments('seq').primary();
        tb.string('event_id', 64).notNullable().index(`${t.outcomes}_event_idx`);
        tb.string('correlation_id', 128).notNullable().index(`${t.outcomes}_corr_idx`);
        tb.string('agent', 255).notNullable();
        tb.string('kind', 16).notNullable();
        tb.string('node_id', 255).notNullable();
        tb.integer('attempt').notNullable();
        tb.double('duration_ms').notNullable();
        tb.string('settlement', 32).notNullable();
        tb.boolean('ok').notNullable();
        tb.string('dead_letter_reason', 32).nullable();
        tb.text('error').nullable();
        tb.text('note').nullable();
        tb.bigInteger('at_ms').notNullable().index(`${t.outcomes}_at_idx`);
      }),
    );
}

/** Two nodes opening one PostgreSQL archive at once: the loser's CREATE fails harmlessly. */
async function ignoreExists(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!/already exists/i.test((err as Error).message)) throw err;
  }
}
