// The lexer's statement count, body trimming and executable-comment detection per dialect.
import { describe, expect, it } from 'vitest';
import { lexSql } from './lexer.js';

describe('lexSql', () => {
  it.each([
    ['SELECT 1', 'sqlite', 1],
    ['SELECT 1;', 'sqlite', 1],
    ['SELECT 1; ;; ', 'postgresql', 1],
    ['SELECT 1; SELECT 2', 'postgresql', 2],
    ["SELECT ';' AS s", 'postgresql', 1],
    ["SELECT 'a'';b'", 'sqlite', 1],
    ['SELECT "x;y" FROM t', 'postgresql', 1],
    ['SELECT $$;$$', 'postgresql', 1],
    ['SELECT $tag$ ; $tag$', 'postgresql', 1],
    ["SELECT E'\\';' ; DROP", 'postgresql', 2],
    ["SELECT '\\'; DROP", 'postgresql', 2],
    ["SELECT '\\';' FROM t", 'mysql', 1],
    ['SELECT 1 /* ; */', 'sqlite', 1],
    ['SELECT 1 /* /* ; */ ; */', 'postgresql', 1],
    ['SELECT 1 -- ;\n', 'sqlite', 1],
    ['SELECT 1 -- \n; DELETE FROM t', 'sqlite', 2],
    ['SELECT 1 # ;\n', 'mysql', 1],
    ['SELECT [a;b] FROM t', 'sqlite', 1],
    ['SELECT `a;b` FROM t', 'mysql', 1],
    ['', 'sqlite', 0],
    ['-- only a comment', 'sqlite', 0],
  ] as const)('%j (%s) has %i statement(s)', (sql, dialect, count) => {
    expect(lexSql(sql, dialect).statements).toBe(count);
  });

  it('MySQL `--` needs whitespace after it to start a comment', () => {
    expect(lexSql('SELECT 1 --1; DROP TABLE t', 'mysql').statements).toBe(2);
    expect(lexSql('SELECT 1 --1; DROP TABLE t', 'postgresql').statements).toBe(1);
  });

  it('trims trailing semicolons and comments from the body', () => {
    expect(lexSql('SELECT 1 ;  -- done\n', 'sqlite').body).toBe('SELECT 1');
    expect(lexSql("SELECT '--' /* c */", 'postgresql').body).toBe("SELECT '--'");
  });

  it('flags MySQL executable comments and hints, only in MySQL', () => {
    expect(lexSql('SELECT 1 /*! , sleep(1) */', 'mysql').executableComment).toBe(true);
    expect(lexSql('SELECT /*+ SET_VAR(x=1) */ 1', 'mysql').executableComment).toBe(true);
    expect(lexSql('SELECT 1 /*M! , sleep(1) */', 'mysql').executableComment).toBe(true);
    expect(lexSql("SELECT '/*!' AS s", 'mysql').executableComment).toBe(false);
    expect(lexSql('SELECT 1 /*! x */', 'postgresql').executableComment).toBe(false);
  });

  it('flags unterminated strings, identifiers and comments', () => {
    for (const sql of ["SELECT 'x", 'SELECT "x', 'SELECT 1 /* x', 'SELECT $$ x'])
      expect(lexSql(sql, 'postgresql').unterminated).toBe(true);
    expect(lexSql('SELECT [x', 'sqlite').unterminated).toBe(true);
  });
});
