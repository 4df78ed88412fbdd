// End-to-end guard tests on real SQLite files in a temp dir: every dangerous statement is refused
// with the data, the schema and the directory unchanged; every legitimate read is accepted and
// returns what the trusted knex returns; the row cap, read-only handle and error mapping hold.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlConnection } from './client.js';
import type { SqlClient } from './client.js';
import { introspect } from './introspect/index.js';
import { DANGEROUS_COMMON, DANGEROUS_SQLITE, LEGIT_COMMON } from './testing/corpus.js';
import { checksum, createFixture } from './testing/fixture.js';
import { rawAs } from './introspect/raw.js';

let dir: string;
let trusted: Knex;
let client: SqlClient;
let rwClient: SqlClient;

async function state(): Promise<string> {
  const objects = await rawAs<
    {
      name: string;
    }[]
  >(trusted, 'SELECT type, name, sql FROM sqlite_schema');
  return checksum(trusted, [...objects.map((o) => JSON.stringify(o)), ...readdirSync(dir)]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-sql-'));
  trusted = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'sales.db') },
    useNullAsDefault: true,
  });
  await createFixture(trusted);
  const allowTables = ['regions', 'customers', 'orders'];
  client = createSqlConnection(
    {
      type: 'sql',
      client: 'sqlite',
      connection: { filename: 'sales.db' },
      readOnly: true,
      allowTables,
    },
    { baseDir: dir },
  );
  rwClient = createSqlConnection(
    { type: 'sql', client: 'better-sqlite3', connection: join(dir, 'sales.db'), allowTables },
    { baseDir: '/nonexistent' },
  );
});

afterAll(async () => {
  await client?.close();
  await rwClient?.close();
  await trusted?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite guard corpus', () => {
  const dangerous = [...DANGEROUS_COMMON, ...DANGEROUS_SQLITE];
  it('has at least 40 dangerous statements', () => {
    expect(dangerous.length).toBeGreaterThanOrEqual(40);
  });

  for (const [label, pick] of [
    ['read-only handle', () => client],
    ['read-write handle', () => rwClient],
  ] as const) {
    it.each(dangerous)(`${label}: refuses %j with the database unchanged`, async (sql) => {
      const before = await state();
      await expect(pick().select(sql)).rejects.toMatchObject({ code: 'SQL_REFUSED' });
      expect(await state()).toBe(before);
    });
  }

  it.each(LEGIT_COMMON)('accepts %j with the trusted result', async (sql) => {
    const result = await client.select(sql);
    const expected = await rawAs<Record<string, unknown>[]>(trusted, sql.replace(/;\s*$/, ''));
    expect(result.rows).toEqual(expected);
    expect(result.rowCount).toBe(expected.length);
    expect(result.truncated).toBe(false);
  });
});

describe('SQLite client', () => {
  it('caps rows, fetching one more to report truncation, and keeps ORDER BY', async () => {
    const r = await client.select('SELECT id FROM orders ORDER BY id DESC', { rowLimit: 5 });
    expect(r.rows.map((x) => x.id)).toEqual([12, 11, 10, 9, 8]);
    expect(r).toMatchObject({ rowCount: 5, truncated: true, columns: ['id'] });
    const exact = await client.select('SELECT id FROM orders ORDER BY id', { rowLimit: 12 });
    expect(exact).toMatchObject({ rowCount: 12, truncated: false });
    const tightened = await client.select('SELECT id FROM orders ORDER BY id LIMIT 100', {
      rowLimit: 2,
    });
    expect(tightened).toMatchObject({ rowCount: 2, truncated: true });
  });

  it('maps driver errors to SQL_ERROR with the driver code and a repair kind', async () => {
    await expect(client.select('SELECT nope FROM orders')).rejects.toMatchObject({
      code: 'SQL_ERROR',
      data: { driverCode: 'SQLITE_ERROR', kind: 'unknown-column' },
    });
    await expect(
      client.select('SELECT * FROM regions r JOIN customers c ON c.nope = r.id'),
    ).rejects.toMatchObject({
      code: 'SQL_ERROR',
      data: { kind: 'unknown-column' },
    });
  });

  it('uses every user table as the default allowlist, never sqlite_*', async () => {
    const open = createSqlConnection(
      { type: 'sql', client: 'sqlite', connection: { filename: 'sales.db' }, readOnly: true },
      { baseDir: dir },
    );
    try {
      expect(await open.allowedTables()).toContain('secrets');
      expect((await open.select('SELECT secret FROM secrets')).rows).toEqual([
        { secret: 'hunter2' },
      ]);
      await expect(open.select('SELECT * FROM sqlite_master')).rejects.toMatchObject({
        code: 'SQL_REFUSED',
        data: { layer: 'tables' },
      });
    } finally {
      await open.close();
    }
  });

  it('opens readOnly files read-only: even trusted raw writes fail', async () => {
    await expect(client.raw.raw('DELETE FROM orders')).rejects.toThrow(/readonly/i);
  });

  it('a CTE shadowing a denied table never reads the real table', async () => {
    // SQLite resolves the inner name to the CTE itself (a circular reference error).
    await expect(
      client.select('WITH secrets AS (SELECT * FROM secrets) SELECT * FROM secrets'),
    ).rejects.toMatchObject({ code: 'SQL_ERROR' });
  });

  it('refuses before running when the signal is already aborted', async () => {
    await expect(
      client.select('SELECT 1 AS x', { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'SQL_TIMEOUT', data: { aborted: true } });
  });

  it('rejects bad options with the field named', async () => {
    await expect(client.select('SELECT 1 AS x', { rowLimit: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      data: { field: 'rowLimit' },
    });
    expect(() =>
      createSqlConnection({ type: 'sql', client: 'oracle' as 'pg', connection: {} }),
    ).toThrow(/spec\.client must be one of/);
    expect(() =>
      createSqlConnection(
        { type: 'sql', client: 'pg', connection: 'env:TROUPE_NOPE_UNSET' },
        { env: {} },
      ),
    ).toThrow(/TROUPE_NOPE_UNSET/);
  });

  it('introspects tables, columns, keys, foreign keys and samples', async () => {
    const schema = await introspect(client);
    expect(schema.tables.map((t) => t.name)).toEqual(['customers', 'orders', 'regions', 'secrets']);
    const customers = schema.tables.find((t) => t.name === 'customers')!;
    expect(customers.primaryKey).toEqual(['id']);
    expect(customers.foreignKeys).toEqual([
      { columns: ['region_id'], refTable: 'regions', refColumns: ['id'] },
    ]);
    expect(customers.columns.find((c) => c.name === 'name')).toMatchObject({
      nullable: false,
      samples: ['Ada', 'Bo', 'Cy', 'Di'],
    });
    expect(customers.columns.find((c) => c.name === 'region_id')).toMatchObject({ nullable: true });
    expect(customers.columns.find((c) => c.name === 'region_id')?.samples).toBeUndefined();
  });
});
