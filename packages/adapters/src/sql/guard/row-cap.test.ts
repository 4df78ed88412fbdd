// Layer (d) alone: LIMIT added or tightened, never loosened; MySQL without LIMIT left to
// sql_select_limit.
import { describe, expect, it } from 'vitest';
import { parseSelect } from './parse.js';
import { explicitLimit, planRowCap } from './row-cap.js';

describe('planRowCap', () => {
  it('adds a LIMIT of cap+1 when there is none', () => {
    const plan = planRowCap(parseSelect('SELECT a FROM t ORDER BY a -- c', 'postgresql'), 100);
    expect(plan).toMatchObject({ rewritten: true, fetchLimit: 101, rowLimit: 100 });
    expect(plan.sql).toBe(
      'SELECT * FROM (\nSELECT a FROM t ORDER BY a\n) AS troupe_capped LIMIT 101',
    );
  });

  it('keeps a smaller LIMIT and tightens a larger or non-literal one', () => {
    expect(planRowCap(parseSelect('SELECT a FROM t LIMIT 5', 'sqlite'), 100)).toMatchObject({
      rewritten: false,
      sql: 'SELECT a FROM t LIMIT 5',
    });
    expect(planRowCap(parseSelect('SELECT a FROM t LIMIT 5000', 'sqlite'), 100).sql).toMatch(
      /LIMIT 101$/,
    );
    expect(planRowCap(parseSelect('SELECT a FROM t LIMIT ALL', 'postgresql'), 100).rewritten).toBe(
      true,
    );
    expect(planRowCap(parseSelect('SELECT a FROM t LIMIT 10, 5000', 'mysql'), 100).rewritten).toBe(
      true,
    );
    expect(planRowCap(parseSelect('SELECT a FROM t LIMIT 5000, 10', 'mysql'), 100).rewritten).toBe(
      false,
    );
    expect(
      planRowCap(parseSelect('SELECT a FROM t UNION SELECT b FROM u LIMIT 500', 'postgresql'), 100)
        .rewritten,
    ).toBe(true);
  });

  it('leaves a MySQL query without LIMIT to sql_select_limit', () => {
    expect(planRowCap(parseSelect('SELECT a FROM t ORDER BY a', 'mysql'), 100).rewritten).toBe(
      false,
    );
  });

  it('reads the top-level LIMIT', () => {
    expect(explicitLimit(parseSelect('SELECT 1', 'sqlite').ast)).toEqual({ kind: 'none' });
    expect(
      explicitLimit(parseSelect('SELECT a FROM t LIMIT 3 OFFSET 9', 'postgresql').ast),
    ).toEqual({
      kind: 'literal',
      count: 3,
    });
  });

  it('rejects a bad cap with the field named', () => {
    expect(() => planRowCap(parseSelect('SELECT 1', 'sqlite'), 0)).toThrow(
      /rowLimit must be an integer >= 1/,
    );
  });
});
