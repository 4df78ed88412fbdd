// Layer (a) alone: one read-only SELECT / WITH … SELECT per dialect, everything else refused
// with the reason.
import { describe, expect, it } from 'vitest';
import { parseSelect } from './parse.js';

function reason(sql: string, dialect: 'sqlite' | 'postgresql' | 'mysql'): string {
  try {
    parseSelect(sql, dialect);
  } catch (err) {
    expect(err).toMatchObject({ code: 'SQL_REFUSED', data: { layer: 'parse', dialect } });
    return (err as Error).message;
  }
  throw new Error(`accepted: ${sql}`);
}

describe('parseSelect', () => {
  it.each(['sqlite', 'postgresql', 'mysql'] as const)('accepts plain reads in %s', (dialect) => {
    expect(parseSelect('SELECT a FROM t WHERE b = 1', dialect).ast.type).toBe('select');
    expect(parseSelect('WITH x AS (SELECT 1 AS a) SELECT a FROM x;', dialect).body).toBe(
      'WITH x AS (SELECT 1 AS a) SELECT a FROM x',
    );
    expect(parseSelect('SELECT a FROM t ORDER BY a DESC', dialect).ast.type).toBe('select');
  });

  it('refuses empty text, several statements and non-SELECT statements', () => {
    expect(reason('   ', 'sqlite')).toMatch(/empty/);
    expect(reason('SELECT 1; SELECT 2', 'sqlite')).toMatch(/exactly one statement.*found 2/);
    expect(reason('DELETE FROM t', 'sqlite')).toMatch(/only SELECT .* got DELETE/);
    expect(reason('UPDATE t SET a = 1', 'postgresql')).toMatch(/got UPDATE/);
    expect(reason('DROP TABLE t', 'mysql')).toMatch(/got DROP/);
  });

  it('refuses SELECT … INTO, locking clauses and data-modifying CTEs', () => {
    expect(reason('SELECT * INTO x FROM t', 'postgresql')).toMatch(/INTO/);
    expect(reason("SELECT * INTO OUTFILE '/tmp/x' FROM t", 'mysql')).toMatch(/INTO/);
    expect(reason('SELECT * FROM t FOR UPDATE', 'mysql')).toMatch(/locking|could not parse/);
    expect(reason('SELECT * FROM t LOCK IN SHARE MODE', 'mysql')).toMatch(
      /locking|could not parse/,
    );
    expect(reason('SELECT * FROM t FOR UPDATE', 'postgresql')).toMatch(/could not parse|locking/);
    expect(reason('WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', 'postgresql')).toMatch(
      /parse|DELETE/,
    );
  });

  it('refuses unparseable text and MySQL executable comments', () => {
    expect(reason('SELEC 1', 'sqlite')).toMatch(/could not parse/);
    expect(reason("ATTACH 'x.db' AS x", 'sqlite')).toMatch(/could not parse|got/);
    expect(reason('SELECT 1 /*! , sleep(5) */', 'mysql')).toMatch(/executable comments/);
    expect(reason("SELECT 'x", 'postgresql')).toMatch(/unterminated/);
  });
});
