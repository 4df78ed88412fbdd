// The guard on a real MariaDB / MySQL (root@127.0.0.1:3306, env MYSQL_URL), in a database
// created for this run and dropped after: the common dangerous corpus is refused with the data
// unchanged, the legitimate corpus matches the trusted knex, the row cap holds without a LIMIT
// (sql_select_limit), and a runaway read (a huge cross join) ends in SQL_TIMEOUT with the pool still serving.
import { randomBytes } from 'node:crypto';
import { describeWithService } from '@troupe/test-support';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqlConnection } from './client.js';
import type { SqlClient } from './client.js';
import { introspect } from './introspect/index.js';
import { DANGEROUS_COMMON, LEGIT_COMMON } from './testing/corpus.js';
import { checksum, createFixture } from './testing/fixture.js';

const baseUrl = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

async function reachable(): Promise<boolean> {
  const k = knexFactory({
    client: 'mysql2',
    connection: baseUrl,
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 2000,
  });
  try {
    await k.raw('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await k.destroy();
  }
}

const up = await reachable();

describeWithService('MySQL/MariaDB', baseUrl, up, 'MySQL/MariaDB guard', () => {
  const database = `troupe_sql_${randomBytes(4).toString('hex')}`;
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  let admin: Knex;
  let trusted: Knex;
  let client: SqlClient;

  beforeAll(async () => {
    admin = knexFactory({ client: 'mysql2', connection: baseUrl, pool: { min: 0, max: 1 } });
    await admin.raw(`CREATE DATABASE \`${database}\``);
    trusted = knexFactory({
      client: 'mysql2',
      connection: url.toString(),
      pool: { min: 0, max: 2 },
    });
    await createFixture(trusted);
    client = createSqlConnection({
      type: 'sql',
      client: 'mysql',
      connection: url.toString(),
      allowTables: ['regions', 'customers', 'orders'],
    });
  });

  afterAll(async () => {
    await client?.close();
    await trusted?.destroy();
    await admin?.raw(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin?.destroy();
  });

  const state = (): Promise<string> => checksum(trusted, []);

  it.each([
    ...DANGEROUS_COMMON,
    'SELECT sleep(5)',
    "SELECT load_file('/etc/passwd')",
    'SELECT 1 /*!, sleep(5) */',
    'SELECT * FROM mysql.user',
  ])('refuses %j with the data unchanged', async (sql) => {
    const before = await state();
    await expect(client.select(sql)).rejects.toMatchObject({ code: 'SQL_REFUSED' });
    expect(await state()).toBe(before);
  });

  it.each(LEGIT_COMMON.filter((sql) => !sql.includes('"')))(
    'accepts %j with the trusted result',
    async (sql) => {
      const result = await client.select(sql);
      const [expected] = (await trusted.raw(sql.replace(/;\s*$/, ''))) as [
        Record<string, unknown>[],
      ];
      expect(JSON.parse(JSON.stringify(result.rows))).toEqual(JSON.parse(JSON.stringify(expected)));
    },
  );

  it('caps rows with and without a LIMIT, and does not leak the cap into the pool', async () => {
    const plain = await client.select('SELECT id FROM orders ORDER BY id DESC', { rowLimit: 5 });
    expect(plain.rows.map((r) => r.id)).toEqual([12, 11, 10, 9, 8]);
    expect(plain).toMatchObject({ rowCount: 5, truncated: true });
    const big = await client.select('SELECT id FROM orders ORDER BY id LIMIT 1000', {
      rowLimit: 3,
    });
    expect(big).toMatchObject({ rowCount: 3, truncated: true });
    const [all] = (await client.raw.raw('SELECT id FROM orders')) as [unknown[]];
    expect(all).toHaveLength(12);
  });

  it('ends a runaway read in SQL_TIMEOUT and keeps serving', async () => {
    await expect(
      client.select(
        // MariaDB stops recursive CTEs at max_recursive_iterations, so the runaway is a cross join.
        'SELECT count(*) AS n FROM orders a, orders b, orders c, orders d, orders e, orders f, orders g, orders h',
        {
          timeoutMs: 300,
        },
      ),
    ).rejects.toMatchObject({ code: 'SQL_TIMEOUT' });
    expect((await client.select('SELECT count(*) AS n FROM orders')).rows).toEqual([{ n: 12 }]);
  });

  it('maps unknown columns for repair and introspects the database', async () => {
    await expect(client.select('SELECT nope FROM orders')).rejects.toMatchObject({
      code: 'SQL_ERROR',
      data: { driverCode: 'ER_BAD_FIELD_ERROR', kind: 'unknown-column' },
    });
    const schema = await introspect(client);
    expect(schema.schema).toBe(database);
    const orders = schema.tables.find((t) => t.name === 'orders')!;
    expect(orders.primaryKey).toEqual(['id']);
    expect(orders.foreignKeys).toEqual([
      { columns: ['customer_id'], refTable: 'customers', refColumns: ['id'] },
    ]);
  });
});
