// Schema-slice retrieval: lexical hits on table names, column names (with synonyms such as
// sales → price / quantity) and sample values, FK path tables to keep the slice joinable,
// referenced lookup tables, the fallback when nothing matches, and the stemmer.
import { describe, expect, it } from 'vitest';
import { selectSchemaSlice, stem } from './schema-slice.js';
import { salesSchema } from './testing/sales-schema.js';

const names = (question: string, maxTables?: number): string[] =>
  selectSchemaSlice(
    salesSchema(),
    question,
    maxTables === undefined ? {} : { maxTables },
  ).tables.map((t) => t.name);

describe('selectSchemaSlice', () => {
  it('sales by region: the line table (price, quantity), the FK path to regions, nothing else', () => {
    expect(names('total sales by region')).toEqual([
      'customers',
      'order_lines',
      'orders',
      'products',
      'regions',
    ]);
  });

  it('a sample value pulls its table in (Enterprise → customers) with what customers reference', () => {
    expect(names('how many Enterprise accounts')).toEqual(['customers', 'regions']);
  });

  it('plural and column words match (categories → products.category)', () => {
    expect(names('list the categories')).toEqual(['products']);
  });

  it('nothing matching: the first maxTables tables', () => {
    expect(names('what is the weather', 2)).toEqual(['customers', 'order_lines']);
  });

  it('keeps the schema header', () => {
    const slice = selectSchemaSlice(salesSchema(), 'regions');
    expect([slice.dialect, slice.schema]).toEqual(['sqlite', 'main']);
  });
});

describe('stem', () => {
  it.each([
    ['categories', 'category'],
    ['orders', 'order'],
    ['boxes', 'box'],
    ['business', 'business'],
    ['sales', 'sale'],
    ['gas', 'gas'],
  ])('%s → %s', (w, s) => {
    expect(stem(w)).toBe(s);
  });
});
