// Layer (b) alone: exact, case-insensitive allowlist matching, CTE scoping per dialect, and
// system catalogs.
import { describe, expect, it } from 'vitest';
import { parseSelect } from './parse.js';
import { checkTables, collectTableRefs, isSystemCatalog } from './tables.js';

const ALLOW = ['orders', 'customers', 'public.orders'];

function check(sql: string, dialect: 'sqlite' | 'postgresql' | 'mysql' = 'postgresql'): void {
  checkTables(parseSelect(sql, dialect), ALLOW);
}

describe('checkTables', () => {
  it('accepts allowed tables anywhere, in any case, and CTE references', () => {
    check('SELECT * FROM Orders o JOIN CUSTOMERS c ON c.id = o.cid');
    check('SELECT * FROM public.orders');
    check(
      'WITH x AS (SELECT * FROM orders) SELECT * FROM x WHERE id IN (SELECT id FROM customers)',
    );
    check('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r');
  });

  it('refuses tables outside the list, naming them, in subqueries, joins and set operations', () => {
    expect(() => check('SELECT * FROM secrets')).toThrow(/table secrets is not in the allowlist/);
    expect(() => check('SELECT * FROM other.orders')).toThrow(/other\.orders/);
    expect(() => check('SELECT * FROM orders WHERE id IN (SELECT id FROM secrets)')).toThrow(
      /secrets/,
    );
    expect(() => check('SELECT id FROM orders UNION SELECT id FROM secrets')).toThrow(/secrets/);
    expect(() => check('SELECT * FROM (SELECT * FROM secrets) s')).toThrow(/secrets/);
  });

  it('scopes CTE names: a CTE cannot hide a real table outside its scope', () => {
    // PostgreSQL: a non-recursive CTE does not see itself; inside, `secrets` is the real table.
    expect(() => check('WITH secrets AS (SELECT * FROM secrets) SELECT * FROM secrets')).toThrow(
      /secrets/,
    );
    // A CTE defined in a subquery is not visible to the outer query.
    expect(() =>
      check('SELECT * FROM (WITH secrets AS (SELECT 1) SELECT * FROM secrets) q, secrets'),
    ).toThrow(/secrets/);
    // A later CTE is not visible to an earlier one without RECURSIVE.
    expect(() => check('WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a')).toThrow(
      /table b/,
    );
    const refs = collectTableRefs(
      parseSelect('WITH b AS (SELECT 1) SELECT * FROM b, orders', 'postgresql'),
    );
    expect(refs).toEqual([{ name: 'orders' }]);
  });

  it('names system catalogs as such', () => {
    expect(() => check('SELECT * FROM pg_catalog.pg_authid')).toThrow(/system catalog/);
    expect(() => check('SELECT * FROM pg_settings')).toThrow(/system catalog pg_settings/);
    expect(() => check('SELECT * FROM information_schema.columns')).toThrow(/system catalog/);
    expect(() => check('SELECT * FROM sqlite_master', 'sqlite')).toThrow(/system catalog/);
    expect(() => check('SELECT * FROM mysql.user', 'mysql')).toThrow(/system catalog/);
    expect(isSystemCatalog({ name: 'orders' }, 'postgresql')).toBe(false);
    // Listed explicitly, a catalog is allowed.
    checkTables(parseSelect('SELECT * FROM sqlite_master', 'sqlite'), ['sqlite_master']);
  });
});
