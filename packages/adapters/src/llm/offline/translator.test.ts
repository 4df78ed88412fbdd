// The offline translator without a database (a schema like the sample one): what it discovers,
// the exact SQL per dialect, and every way it refuses to guess — a value in two columns, two
// date columns, two join paths, no date column, an unrelated table, no anchor date — plus its
// option validation.
import { ErrorCode, isTroupeError } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import type { SchemaInfo } from '../../sql/introspect/types.js';
import { salesSchema } from '../testing/sales-schema.js';
import { createOfflineTranslator } from './translator.js';

const ANCHOR = { anchorDate: '2026-09-30' };

function withSchema(edit: (s: SchemaInfo) => void): SchemaInfo {
  const s = salesSchema();
  edit(s);
  return s;
}
const table = (s: SchemaInfo, name: string) => s.tables.find((t) => t.name === name)!;

describe('createOfflineTranslator: discovery', () => {
  const t = createOfflineTranslator(salesSchema(), ANCHOR);
  it('finds revenue, quantity (additive), prices and discount (averages only), the date and the keys', () => {
    const m = t.model;
    expect(m.measures.map((x) => [x.id, x.additive])).toEqual([
      ['order_lines.revenue', true],
      ['order_lines.quantity', true],
      ['order_lines.unit_price', false],
      ['order_lines.discount', false],
      ['products.unit_price', false],
    ]);
    expect(m.measures[0]!.describe).toBe('order_lines.quantity × unit_price × (1 − discount)');
    expect(m.dates).toEqual([{ table: 'orders', column: 'order_date' }]);
    expect(m.dimensions.map((d) => `${d.table}.${d.column}:${d.alias}`)).toEqual([
      'customers.name:customer',
      'customers.segment:segment',
      'orders.status:status',
      'products.name:product',
      'products.category:category',
      'regions.name:region',
      'audit_log.message:message',
    ]);
    expect(m.entities.find((e) => e.table === 'order_lines')).toEqual({
      table: 'order_lines',
      pk: 'id',
      singular: 'order line',
    });
  });
});

describe('createOfflineTranslator: SQL per dialect', () => {
  const t = createOfflineTranslator(salesSchema(), ANCHOR);
  it('sqlite: the flagship question', () => {
    expect(t.translate('Total sales by region last quarter?', 'sqlite')).toEqual({
      kind: 'sql',
      sql: [
        'SELECT regions.name AS region, ROUND(SUM(order_lines.quantity * order_lines.unit_price * (1 - order_lines.discount)), 2) AS revenue',
        'FROM order_lines',
        'JOIN orders ON orders.id = order_lines.order_id',
        'JOIN customers ON customers.id = orders.customer_id',
        'JOIN regions ON regions.id = customers.region_id',
        "WHERE orders.order_date >= '2026-04-01' AND orders.order_date < '2026-07-01'",
        'GROUP BY regions.id, regions.name',
        'ORDER BY revenue DESC, region',
      ].join('\n'),
    });
  });

  it('postgresql and mysql: their date functions, rounding and quoting', () => {
    const pg = t.translate('revenue by quarter', 'postgresql');
    expect(pg.kind === 'sql' && pg.sql).toContain(
      `to_char(orders.order_date, 'YYYY-"Q"Q') AS quarter`,
    );
    expect(pg.kind === 'sql' && pg.sql).toContain('ROUND(CAST(SUM(');
    const my = t.translate('revenue by quarter', 'mysql');
    expect(my.kind === 'sql' && my.sql).toContain(
      "CONCAT(YEAR(`orders`.`order_date`), '-Q', QUARTER(`orders`.`order_date`)) AS `quarter`",
    );
  });

  it('counts across a one-to-many key count DISTINCT keys; values are escaped', () => {
    const r = t.translate('how many orders for category Electronics', 'sqlite');
    expect(r.kind === 'sql' && r.sql).toContain(
      'SELECT COUNT(DISTINCT orders.id) AS order_count\nFROM order_lines',
    );
    const quoted = createOfflineTranslator(salesSchema(), {
      ...ANCHOR,
      values: { 'regions.name': ["Pete's"] },
    });
    const q = quoted.translate("revenue in Pete's region", 'sqlite');
    expect(q.kind === 'sql' && q.sql).toContain("regions.name = 'Pete''s'");
  });
});

describe('createOfflineTranslator: never a guess', () => {
  it('a value of two columns asks which, unless a word beside it says', () => {
    const t = createOfflineTranslator(salesSchema(), {
      ...ANCHOR,
      values: { 'regions.name': ['North'], 'customers.segment': ['North'] },
    });
    expect(t.translate('revenue in North', 'sqlite')).toEqual({
      kind: 'clarify',
      ask: '"north" is a value of customers.segment and regions.name: which did you mean?',
    });
    expect(t.translate('revenue in the North region', 'sqlite').kind).toBe('sql');
    expect(t.translate('revenue for segment North', 'sqlite').kind).toBe('sql');
  });

  it('two date columns: which date?', () => {
    const s = withSchema((x) =>
      table(x, 'orders').columns.push({ name: 'shipped_at', type: 'timestamp', nullable: true }),
    );
    const r = createOfflineTranslator(s, ANCHOR).translate('revenue last month', 'sqlite');
    expect(r).toEqual({
      kind: 'clarify',
      ask: 'Which date: orders.order_date or orders.shipped_at?',
    });
  });

  it('two join paths to the same table: an error, not a pick', () => {
    const s = withSchema((x) => {
      const c = table(x, 'customers');
      c.columns.push({ name: 'billing_region_id', type: 'integer', nullable: true });
      c.foreignKeys.push({
        columns: ['billing_region_id'],
        refTable: 'regions',
        refColumns: ['id'],
      });
    });
    const r = createOfflineTranslator(s, ANCHOR).translate('revenue by region', 'sqlite');
    expect(r.kind).toBe('error');
    expect(r.kind === 'error' && r.reason).toContain(
      'regions cannot be related to order_lines precisely',
    );
  });

  it('no date column, or a table the measure cannot reach: errors', () => {
    const s = withSchema((x) => {
      table(x, 'orders').columns = table(x, 'orders').columns.filter(
        (c) => c.name !== 'order_date',
      );
    });
    expect(createOfflineTranslator(s, ANCHOR).translate('revenue in 2025', 'sqlite')).toEqual({
      kind: 'error',
      reason: 'this database has no date column to filter or group by',
    });
    const t = createOfflineTranslator(salesSchema(), ANCHOR);
    expect(t.translate('revenue by message', 'sqlite').kind).toBe('error');
  });

  it('without an anchor date, a time window is an error; other questions work', () => {
    const t = createOfflineTranslator(salesSchema());
    expect(t.translate('revenue last quarter', 'sqlite')).toEqual({
      kind: 'error',
      reason:
        'the question has a time window but the translator has no anchor date (option anchorDate)',
    });
    expect(t.translate('revenue by region', 'sqlite').kind).toBe('sql');
  });

  it('stray numbers, a lone dimension and "value" alone ask; over-long questions fail', () => {
    const t = createOfflineTranslator(salesSchema(), { ...ANCHOR, maxQuestionLength: 60 });
    expect(t.translate('revenue 42', 'sqlite').kind).toBe('clarify');
    expect(t.translate('revenue category', 'sqlite')).toMatchObject({
      kind: 'clarify',
      ask: expect.stringContaining('by category') as unknown,
    });
    expect(t.translate('value by region', 'sqlite').kind).toBe('clarify');
    expect(t.translate('total orders by region', 'sqlite')).toMatchObject({
      kind: 'clarify',
      ask: expect.stringContaining('number of orders or their revenue') as unknown,
    });
    expect(t.translate(`revenue by region ${'and region '.repeat(10)}`, 'sqlite')).toEqual({
      kind: 'error',
      reason: 'the question is longer than 60 characters',
    });
  });
});

describe('createOfflineTranslator: options', () => {
  it.each([
    [{ anchorDate: '2026-13-01' }, 'anchorDate'],
    [{ maxQuestionLength: 0 }, 'maxQuestionLength'],
  ])('%j is INVALID_OPTION naming the field', (options, field) => {
    let thrown: unknown;
    try {
      createOfflineTranslator(salesSchema(), options);
    } catch (err) {
      thrown = err;
    }
    expect(isTroupeError(thrown) && thrown.code).toBe(ErrorCode.InvalidOption);
    expect(isTroupeError(thrown) && thrown.data.field).toBe(field);
  });
});
