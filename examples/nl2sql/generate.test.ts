// The sample database generator on SQLite: row counts, every foreign key resolving, dates inside
// the two years ending on the anchor, determinism (same seed → same checksum, also read back
// from the file), a different seed or anchor changing the data, and bad options named.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqlConnection } from '@troupe/adapters';
import type { SqlClient } from '@troupe/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ANCHOR_DATE,
  generateSalesData,
  generateSalesDatabase,
  readSalesTables,
  salesChecksum,
} from './generate.js';
import type { GenerateResult, SalesTable } from './generate.js';

let dir: string;
let result: GenerateResult;
let db: SqlClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-nl2sql-gen-'));
  result = await generateSalesDatabase({ out: join(dir, 'sales.db') });
  db = createSqlConnection(
    { type: 'sql', client: 'sqlite', connection: { filename: 'sales.db' }, readOnly: true },
    { baseDir: dir },
  );
});

afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function scalar(sql: string): Promise<unknown> {
  const r = await db.select(sql);
  return Object.values(r.rows[0]!)[0];
}

describe('generateSalesDatabase (SQLite)', () => {
  it('writes a few thousand orders with their customers, products and lines', async () => {
    expect(result.counts).toEqual({
      regions: 5,
      customers: 240,
      products: 26,
      orders: 3000,
      order_lines: result.counts.order_lines,
    });
    expect(result.counts.order_lines).toBeGreaterThan(5000);
    for (const [table, count] of Object.entries(result.counts))
      expect(await scalar(`SELECT count(*) FROM ${table}`), table).toBe(count);
  });

  it('every foreign key resolves (no orphans) and every key is unique', async () => {
    const orphans = [
      'SELECT count(*) FROM customers c LEFT JOIN regions r ON r.id = c.region_id WHERE r.id IS NULL',
      'SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL',
      'SELECT count(*) FROM order_lines l LEFT JOIN orders o ON o.id = l.order_id WHERE o.id IS NULL',
      'SELECT count(*) FROM order_lines l LEFT JOIN products p ON p.id = l.product_id WHERE p.id IS NULL',
      'SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)',
    ];
    for (const sql of orphans) expect(await scalar(sql), sql).toBe(0);
    const fks = await db.raw.raw<{ table: string }[]>('PRAGMA foreign_key_check');
    expect(fks).toEqual([]);
  });

  it('dates cover the two years ending on the anchor; prices, quantities, discounts are sane', async () => {
    expect(await scalar('SELECT max(order_date) FROM orders')).toBe(DEFAULT_ANCHOR_DATE);
    expect(await scalar('SELECT min(order_date) FROM orders')).toBe('2024-10-01');
    expect(result.dateRange).toEqual(['2024-10-01', '2026-09-30']);
    expect(await scalar('SELECT count(DISTINCT substr(order_date, 1, 7)) FROM orders')).toBe(24);
    expect(
      await scalar(
        'SELECT count(*) FROM order_lines WHERE quantity < 1 OR unit_price <= 0 OR discount < 0 OR discount > 0.15',
      ),
    ).toBe(0);
    expect(await scalar('SELECT count(DISTINCT status) FROM orders')).toBe(4);
    expect(await scalar('SELECT count(DISTINCT segment) FROM customers')).toBe(3);
  });

  it('is deterministic: same seed → same checksum, in memory and read back from the file', async () => {
    const again = generateSalesData();
    expect(salesChecksum(again)).toBe(result.checksum);
    const fromFile = (await readSalesTables(db.raw)) as Record<SalesTable, object[]>;
    expect(salesChecksum(fromFile)).toBe(result.checksum);
    const second = await generateSalesDatabase({ out: join(dir, 'again.db') });
    expect(second.checksum).toBe(result.checksum);
    expect(second.checksum).toBe(
      'b3aba689fa61f200fd1e1ed731604aa79cdb6c5b339ad96706011f30baec08e9',
    );
  });

  it('another seed or anchor gives other data; the anchor moves the window', () => {
    expect(salesChecksum(generateSalesData({ seed: 7 }))).not.toBe(result.checksum);
    const moved = generateSalesData({ anchorDate: '2025-12-31', orders: 50 });
    expect(moved.orders).toHaveLength(50);
    expect(
      moved.orders.every((o) => o.order_date >= '2024-01-01' && o.order_date <= '2025-12-31'),
    ).toBe(true);
  });

  it('rejects bad options, naming them', () => {
    expect(() => generateSalesData({ anchorDate: '2026-02-30' })).toThrow(
      /anchorDate must be a date/,
    );
    expect(() => generateSalesData({ orders: 0 })).toThrow(/orders must be/);
    expect(() => generateSalesData({ customers: 10_000 })).toThrow(/customers must be/);
  });
});
