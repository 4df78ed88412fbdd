// End-to-end guard tests on a real PostgreSQL, in a fresh schema per run: the dangerous corpus
// is refused with data, objects and sequences unchanged (a writable function is stopped by the
// READ ONLY transaction); the legitimate corpus returns what the trusted knex returns; a runaway
// recursive CTE ends in SQL_TIMEOUT and the connection serves the next query; introspection
// sees the search_path schema only.
import { describeWithPostgres, freshPgSchema } from '@troupe/test-support';
import type { PgSchema } from '@troupe/test-support';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqlConnection } from './client.js';
import type { SqlClient } from './client.js';
import { introspect } from './introspect/index.js';
import { DANGEROUS_COMMON, DANGEROUS_POSTGRES, LEGIT_COMMON } from './testing/corpus.js';
import { checksum, createFixture } from './testing/fixture.js';
import { rawAs } from './introspect/raw.js';

describeWithPostgres('PostgreSQL guard', () => {
  let pg: PgSchema;
  let trusted: Knex;
  let client: SqlClient;

  async function state(): Promise<string> {
    const objects = await rawAs<{ rows: { o: string }[] }>(
      trusted,
      `SELECT c.relname || ':' || c.relkind::text AS o FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ? UNION ALL SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = ? UNION ALL SELECT 'seq:' || last_value FROM orders_seq`,
      [pg.schema, pg.schema],
    );
    return checksum(
      trusted,
      objects.rows.map((r) => r.o),
    );
  }

  beforeAll(async () => {
    pg = await freshPgSchema('sqlguard');
    trusted = knexFactory({
      client: 'pg',
      connection: pg.connection,
      searchPath: [...pg.searchPath],
      pool: { min: 0, max: 2 },
    });
    await createFixture(trusted);
    await trusted.raw('CREATE SEQUENCE orders_seq');
    await trusted.raw(
      `CREATE FUNCTION evil_write() RETURNS int LANGUAGE sql AS $$ INSERT INTO regions VALUES (99, 'evil') RETURNING id $$`,
    );
    await trusted.raw(`CREATE PROCEDURE evil_proc() LANGUAGE sql AS $$ DELETE FROM orders $$`);
    client = createSqlConnection({
      type: 'sql',
      client: 'postgres',
      connection: pg.url,
      allowTables: ['regions', 'customers', 'orders'],
    });
  });

  afterAll(async () => {
    await client?.close();
    await trusted?.destroy();
    await pg?.drop();
  });

  const dangerous = [...DANGEROUS_COMMON, ...DANGEROUS_POSTGRES];
  it('has at least 40 dangerous statements', () => {
    expect(dangerous.length).toBeGreaterThanOrEqual(40);
  });

  it.each(dangerous)('refuses %j with the database unchanged', async (sql) => {
    const before = await state();
    await expect(client.select(sql)).rejects.toMatchObject({ code: 'SQL_REFUSED' });
    expect(await state()).toBe(before);
  });

  it('stops a writable function with the READ ONLY transaction (last safety net)', async () => {
    await expect(client.select('SELECT evil_write()')).rejects.toMatchObject({
      code: 'SQL_REFUSED',
      data: { layer: 'read-only', driverCode: '25006' },
    });
  });

  it.each([
    ...LEGIT_COMMON,
    "SELECT current_setting('statement_timeout') IS NOT NULL AS ok",
    "SELECT 'what?' AS q",
  ])('accepts %j with the trusted result', async (sql) => {
    const result = await client.select(sql);
    const expected = await rawAs<{
      rows: Record<string, unknown>[];
    }>(trusted, sql.replace(/;\s*$/, '').replace(/\?/g, '\\?'));
    expect(result.rows).toEqual(expected.rows);
    expect(result.truncated).toBe(false);
  });

  it('caps rows and reports truncation', async () => {
    const r = await client.select('SELECT id FROM orders ORDER BY id DESC', { rowLimit: 5 });
    expect(r.rows.map((x) => x.id)).toEqual([12, 11, 10, 9, 8]);
    expect(r).toMatchObject({ rowCount: 5, truncated: true });
  });

  it('ends a runaway recursive CTE in SQL_TIMEOUT and keeps serving', async () => {
    const started = Date.now();
    await expect(
      client.select(
        'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c',
        { timeoutMs: 300 },
      ),
    ).rejects.toMatchObject({ code: 'SQL_TIMEOUT', data: { driverCode: '57014' } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await client.select('SELECT count(*)::int AS n FROM orders')).rows).toEqual([
      { n: 12 },
    ]);
  });

  it('cancels a running statement on abort', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(
      client.select(
        'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
        {
          signal: controller.signal,
          timeoutMs: 60_000,
        },
      ),
    ).rejects.toMatchObject({ code: 'SQL_TIMEOUT', data: { aborted: true } });
  });

  it('maps unknown column / table / syntax errors for repair', async () => {
    await expect(client.select('SELECT nope FROM orders')).rejects.toMatchObject({
      code: 'SQL_ERROR',
      data: { driverCode: '42703', kind: 'unknown-column' },
    });
    const open = createSqlConnection({
      type: 'sql',
      client: 'pg',
      connection: pg.url,
      allowTables: ['missing'],
    });
    try {
      await expect(open.select('SELECT * FROM missing')).rejects.toMatchObject({
        code: 'SQL_ERROR',
        data: { driverCode: '42P01', kind: 'unknown-table' },
      });
    } finally {
      await open.close();
    }
  });

  it('introspects the search_path schema with keys, foreign keys and samples', async () => {
    const schema = await introspect(client);
    expect(schema.schema).toBe(pg.schema);
    expect(schema.tables.map((t) => t.name)).toEqual(['customers', 'orders', 'regions', 'secrets']);
    const orders = schema.tables.find((t) => t.name === 'orders')!;
    expect(orders.primaryKey).toEqual(['id']);
    expect(orders.foreignKeys).toEqual([
      { columns: ['customer_id'], refTable: 'customers', refColumns: ['id'] },
    ]);
    expect(orders.columns.find((c) => c.name === 'amount')).toMatchObject({
      type: 'integer',
      nullable: false,
    });
    const regions = schema.tables.find((t) => t.name === 'regions')!;
    expect(regions.columns.find((c) => c.name === 'name')?.samples).toEqual([
      'east',
      'north',
      'south',
    ]);
  });

  it('default allowlist: the schema tables, qualified or not, never catalogs', async () => {
    const open = createSqlConnection({ type: 'sql', client: 'pg', connection: pg.url });
    try {
      expect(await open.allowedTables()).toEqual(
        expect.arrayContaining(['secrets', `${pg.schema}.secrets`]),
      );
      expect(
        (await open.select(`SELECT count(*)::int AS n FROM ${pg.schema}.orders`)).rows,
      ).toEqual([{ n: 12 }]);
      await expect(open.select('SELECT * FROM pg_catalog.pg_class')).rejects.toMatchObject({
        code: 'SQL_REFUSED',
      });
    } finally {
      await open.close();
    }
  });
});
