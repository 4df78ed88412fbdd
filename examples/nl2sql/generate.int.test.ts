// The sample database loaded into a fresh PostgreSQL schema: the same tables with primary and
// foreign keys (seen by introspection), the same rows (checksum equal to the SQLite data set),
// and a second load into the same schema refused unless `replace` is set.
import { createSqlConnection, introspect } from '@troupe/adapters';
import type { SqlClient } from '@troupe/adapters';
import { describeWithPostgres, freshPgSchema, pgUrl } from '@troupe/test-support';
import type { PgSchema } from '@troupe/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  generateSalesData,
  generateSalesDatabase,
  readSalesTables,
  salesChecksum,
} from './generate.js';
import type { GenerateResult, SalesTable } from './generate.js';

describeWithPostgres('generateSalesDatabase (PostgreSQL)', () => {
  let pg: PgSchema;
  let db: SqlClient;
  let result: GenerateResult;

  beforeAll(async () => {
    pg = await freshPgSchema('nl2sql_gen');
    result = await generateSalesDatabase({ pg: { url: pgUrl(), schema: pg.schema } });
    db = createSqlConnection({ type: 'sql', client: 'pg', connection: pg.url, readOnly: true });
  });

  afterAll(async () => {
    await db?.close();
    await pg?.drop();
  });

  it('loads the same rows as the SQLite data set (same checksum)', async () => {
    expect(result.target).toBe(`postgresql:${pg.schema}`);
    expect(result.checksum).toBe(salesChecksum(generateSalesData()));
    const back = (await readSalesTables(db.raw)) as Record<SalesTable, object[]>;
    expect(salesChecksum(back)).toBe(result.checksum);
    const r = await db.select('SELECT count(*) AS n, max(order_date) AS last FROM orders');
    expect(Number(r.rows[0]!.n)).toBe(3000);
  });

  it('has the primary and foreign keys', async () => {
    const schema = await introspect(db, { samples: 0 });
    const byName = new Map(schema.tables.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual([
      'customers',
      'order_lines',
      'orders',
      'products',
      'regions',
    ]);
    for (const t of byName.values()) expect(t.primaryKey, t.name).toEqual(['id']);
    expect(
      byName
        .get('order_lines')!
        .foreignKeys.map((f) => f.refTable)
        .sort(),
    ).toEqual(['orders', 'products']);
    expect(byName.get('orders')!.foreignKeys).toEqual([
      { columns: ['customer_id'], refTable: 'customers', refColumns: ['id'] },
    ]);
    expect(byName.get('orders')!.columns.find((c) => c.name === 'order_date')!.type).toBe('date');
  });

  it('refuses to load over existing tables unless replace is set', async () => {
    await expect(
      generateSalesDatabase({ pg: { url: pgUrl(), schema: pg.schema } }),
    ).rejects.toThrow(
      /already has regions, customers, products, orders, order_lines: pass --replace/,
    );
    const again = await generateSalesDatabase({
      pg: { url: pgUrl(), schema: pg.schema, replace: true },
      orders: 10,
    });
    const r = await db.select('SELECT count(*) AS n FROM orders');
    expect(Number(r.rows[0]!.n)).toBe(10);
    expect(again.counts.orders).toBe(10);
  });
});
