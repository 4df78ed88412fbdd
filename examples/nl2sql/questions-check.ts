// Shared checks of the offline translator's test set, run by the SQLite (unit) and PostgreSQL
// (integration) suites: the translator's SQL goes through the guarded `select()`, the
// hand-written SQL through the trusted knex, and the two results must be equal row for row
// (values compared after normalizing driver types: numeric strings, Dates, float noise).
import { createOfflineTranslator, discoverTranslatorInputs, introspect } from '@troupe/adapters';
import type { Nl2SqlResult, OfflineTranslator, SqlClient } from '@troupe/adapters';
import { normalizeValue } from './sales-data.js';
import { handSql } from './questions.js';
import type { AnswerCase } from './questions.js';

export type TestDialect = 'sqlite' | 'postgresql';

/** A translator built the way an agent builds it: introspection + distinct values + max date. */
export async function translatorFor(db: SqlClient): Promise<OfflineTranslator> {
  const schema = await introspect(db);
  const inputs = await discoverTranslatorInputs(db, schema);
  return createOfflineTranslator(schema, inputs);
}

function norm(value: unknown): unknown {
  const v = normalizeValue(value);
  return typeof v === 'number' ? Math.round(v * 10_000) / 10_000 : v;
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  return Array.isArray(result)
    ? (result as Record<string, unknown>[])
    : (result as { rows: Record<string, unknown>[] }).rows;
}

export interface CaseOutcome {
  translated: Nl2SqlResult;
  got: unknown[][];
  expected: unknown[][];
}

/** Translate, run both sides, and return the normalized rows of each. */
export async function runCase(
  db: SqlClient,
  translator: OfflineTranslator,
  c: AnswerCase,
  dialect: TestDialect,
): Promise<CaseOutcome> {
  const translated = translator.translate(c.question, dialect);
  if (translated.kind !== 'sql') return { translated, got: [], expected: [] };
  const result = await db.select(translated.sql);
  const got = result.rows.map((row) => result.columns.map((col) => norm(row[col])));
  const trusted = rowsOf(await db.raw.raw(handSql(c, dialect)));
  const expected = trusted.map((row) => Object.values(row).map(norm));
  return { translated, got, expected };
}
