// The offline translator on the generated SQLite sample database: every question of the test
// set yields SQL that passes the guard and returns exactly what the hand-written SQL returns;
// every refusal case yields clarify / error (never SQL); the SQL of every question also passes
// the guard's parser for PostgreSQL and MySQL; and translation time is measured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSqlConnection, guardSelect } from '@troupe/adapters';
import type { OfflineTranslator, SqlClient } from '@troupe/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSalesDatabase } from './generate.js';
import { ANSWERS, REFUSALS } from './questions.js';
import { runCase, translatorFor } from './questions-check.js';

let dir: string;
let db: SqlClient;
let translator: OfflineTranslator;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-nl2sql-q-'));
  await generateSalesDatabase({ out: join(dir, 'sales.db') });
  db = createSqlConnection(
    { type: 'sql', client: 'sqlite', connection: { filename: 'sales.db' }, readOnly: true },
    { baseDir: dir },
  );
  translator = await translatorFor(db);
});

afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('offline translator on SQLite: answers equal hand-written SQL', () => {
  it('has at least 30 answer cases and 8 refusal cases', () => {
    expect(ANSWERS.length).toBeGreaterThanOrEqual(30);
    expect(REFUSALS.length).toBeGreaterThanOrEqual(8);
  });

  it.each(ANSWERS.map((c) => [c.question, c] as const))('%s', async (_q, c) => {
    const { translated, got, expected } = await runCase(db, translator, c, 'sqlite');
    expect(translated.kind, JSON.stringify(translated)).toBe('sql');
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.flat().every((v) => v !== null)).toBe(true);
    expect(got).toEqual(expected);
  });
});

describe('offline translator: refusals are clarify or error, never SQL', () => {
  it.each(REFUSALS.map((c) => [c.question, c] as const))('%j', (_q, c) => {
    for (const dialect of ['sqlite', 'postgresql'] as const) {
      const r = translator.translate(c.question, dialect);
      expect(r.kind, JSON.stringify(r)).toBe(c.kind);
      const said = r.kind === 'clarify' ? r.ask : r.kind === 'error' ? r.reason : '';
      expect(said.toLowerCase()).toContain(c.mentions.toLowerCase());
    }
  });
});

describe('offline translator: every dialect passes the guard; timing', () => {
  const allow = ['regions', 'customers', 'products', 'orders', 'order_lines'];
  it('the SQL for PostgreSQL and MySQL parses and passes the static guard', () => {
    for (const c of ANSWERS)
      for (const dialect of ['postgresql', 'mysql'] as const) {
        const r = translator.translate(c.question, dialect);
        expect(r.kind, c.question).toBe('sql');
        if (r.kind === 'sql')
          expect(
            () => guardSelect(r.sql, { dialect, allowTables: allow, rowLimit: 1000 }),
            `${dialect}: ${r.sql}`,
          ).not.toThrow();
      }
  });

  it('translates a question in well under a millisecond on average', () => {
    const questions = [...ANSWERS.map((c) => c.question), ...REFUSALS.map((c) => c.question)];
    const rounds = 20;
    const times: number[] = [];
    for (let r = 0; r < rounds; r++)
      for (const q of questions) {
        const t0 = performance.now();
        translator.translate(q, 'sqlite');
        times.push(performance.now() - t0);
      }
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const p99 = times[Math.floor(times.length * 0.99)]!;
    process.stderr.write(
      `offline translator: ${questions.length} questions × ${rounds}: mean ${mean.toFixed(3)} ms, p50 ${times[Math.floor(times.length / 2)]!.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms\n`,
    );
    expect(mean).toBeLessThan(5);
  });
});
