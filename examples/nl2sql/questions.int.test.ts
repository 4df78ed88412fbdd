// The offline translator on the sample database loaded into a fresh PostgreSQL schema: every
// question of the test set yields PostgreSQL SQL that passes the guard, runs in a READ ONLY
// transaction and returns exactly what the hand-written SQL returns; refusals stay refusals.
import { createSqlConnection } from '@troupe/adapters';
import type { OfflineTranslator, SqlClient } from '@troupe/adapters';
import { describeWithPostgres, freshPgSchema, pgUrl } from '@troupe/test-support';
import type { PgSchema } from '@troupe/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateSalesDatabase } from './generate.js';
import { ANSWERS, REFUSALS } from './questions.js';
import { runCase, translatorFor } from './questions-check.js';

describeWithPostgres('offline translator on PostgreSQL: answers equal hand-written SQL', () => {
  let pg: PgSchema;
  let db: SqlClient;
  let translator: OfflineTranslator;

  beforeAll(async () => {
    pg = await freshPgSchema('nl2sql_q');
    await generateSalesDatabase({ pg: { url: pgUrl(), schema: pg.schema } });
    db = createSqlConnection({ type: 'sql', client: 'pg', connection: pg.url, readOnly: true });
    translator = await translatorFor(db);
  });

  afterAll(async () => {
    await db?.close();
    await pg?.drop();
  });

  it('finds the same anchor date and values as on SQLite', () => {
    expect(translator.model.dates).toEqual([{ table: 'orders', column: 'order_date' }]);
    expect(translator.translate('revenue last quarter', 'postgresql')).toMatchObject({
      kind: 'sql',
      sql: expect.stringContaining("'2026-04-01'") as unknown,
    });
  });

  it.each(ANSWERS.map((c) => [c.question, c] as const))('%s', async (_q, c) => {
    const { translated, got, expected } = await runCase(db, translator, c, 'postgresql');
    expect(translated.kind, JSON.stringify(translated)).toBe('sql');
    expect(expected.length).toBeGreaterThan(0);
    expect(got).toEqual(expected);
  });

  it('refusals are clarify or error on PostgreSQL too', () => {
    for (const c of REFUSALS)
      expect(translator.translate(c.question, 'postgresql').kind, c.question).toBe(c.kind);
  });
});
