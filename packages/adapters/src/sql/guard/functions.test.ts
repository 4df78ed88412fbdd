// Layer (c) alone: denied functions per dialect, found anywhere in the AST.
import { describe, expect, it } from 'vitest';
import { checkFunctions, isDeniedFunction } from './functions.js';
import { parseSelect } from './parse.js';

function refused(sql: string, dialect: 'sqlite' | 'postgresql' | 'mysql'): string {
  try {
    checkFunctions(parseSelect(sql, dialect));
  } catch (err) {
    expect(err).toMatchObject({ code: 'SQL_REFUSED', data: { layer: 'functions' } });
    return (err as Error).message;
  }
  throw new Error(`accepted: ${sql}`);
}

describe('checkFunctions', () => {
  it.each([
    ["SELECT pg_read_file('/etc/passwd')", 'postgresql'],
    ['SELECT * FROM t WHERE a = (SELECT pg_sleep(5))', 'postgresql'],
    ["WITH x AS (SELECT set_config('a', 'b', false)) SELECT * FROM x", 'postgresql'],
    ['SELECT pg_catalog.PG_SLEEP(1)', 'postgresql'],
    ["SELECT dblink('x', 'y')", 'postgresql'],
    ["SELECT nextval('s')", 'postgresql'],
    ["SELECT load_extension('x')", 'sqlite'],
    ["SELECT * FROM pragma_table_info('t')", 'sqlite'],
    ['SELECT sleep(1)', 'mysql'],
    ["SELECT load_file('/etc/passwd')", 'mysql'],
    ['SELECT benchmark(1000000, md5(1))', 'mysql'],
    ["SELECT a FROM t WHERE b IN (SELECT get_lock('x', 1))", 'mysql'],
  ] as const)('refuses %j (%s)', (sql, dialect) => {
    expect(refused(sql, dialect)).toMatch(/function .*\(\) is not allowed/);
  });

  it('accepts ordinary functions and current_setting', () => {
    checkFunctions(
      parseSelect(
        "SELECT upper(a), count(*), current_setting('x') FROM t GROUP BY a",
        'postgresql',
      ),
    );
    checkFunctions(parseSelect("SELECT * FROM json_each('[1]'), t", 'sqlite'));
    checkFunctions(parseSelect('SELECT concat(a, b), now() FROM t', 'mysql'));
  });

  it('matches names and prefixes case-insensitively', () => {
    expect(isDeniedFunction('PG_LS_DIR', 'postgresql')).toBe(true);
    expect(isDeniedFunction('lo_import', 'postgresql')).toBe(true);
    expect(isDeniedFunction('sleep', 'postgresql')).toBe(false);
    expect(isDeniedFunction('sleep', 'mysql')).toBe(true);
  });
});
