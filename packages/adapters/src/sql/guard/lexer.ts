// A small SQL lexer, independent of the parser: it counts statements, finds where the last one
// really ends (so trailing `;` and comments can be dropped before the row-cap rewrite) and spots
// the constructs where a database reads text that a parser treats as a comment (MySQL `/*! */`
// executable comments and `/*+ */` optimizer hints). Two independent opinions on "exactly one
// statement" make a parser/database disagreement much harder to exploit.
import type { SqlDialect } from '../dialect.js';

export interface LexResult {
  /** Number of non-empty statements separated by top-level `;`. */
  statements: number;
  /** The SQL up to the end of the last token of the last statement (no trailing `;` / comments). */
  body: string;
  /** A MySQL executable comment (`/*!`, `/*M!`) or optimizer hint (`/*+`) is present. */
  executableComment: boolean;
  /** A string, quoted identifier or block comment is not terminated. */
  unterminated: boolean;
}

const IDENT_CHAR = /[A-Za-z0-9_$]/;

/** Scan `sql` with the quoting and comment rules of `dialect`. */
export function lexSql(sql: string, dialect: SqlDialect): LexResult {
  let statements = 0;
  let segmentHasContent = false;
  let lastContentEnd = 0;
  let executableComment = false;
  let unterminated = false;
  let i = 0;
  const n = sql.length;

  const content = (end: number): void => {
    segmentHasContent = true;
    lastContentEnd = end;
  };

  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    // Line comments: `--` everywhere (MySQL needs whitespace after it), `#` in MySQL.
    if (
      (c === '-' &&
        next === '-' &&
        (dialect !== 'mysql' || i + 2 >= n || /\s/.test(sql[i + 2]!))) ||
      (c === '#' && dialect === 'mysql')
    ) {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      const marker = sql[i + 2];
      if (dialect === 'mysql' && (marker === '!' || marker === '+' || sql.startsWith('M!', i + 2)))
        executableComment = true;
      // PostgreSQL nests block comments; the others end at the first `*/`.
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql[j] === '*' && sql[j + 1] === '/') {
          depth -= 1;
          j += 2;
        } else if (dialect === 'postgresql' && sql[j] === '/' && sql[j + 1] === '*') {
          depth += 1;
          j += 2;
        } else j += 1;
      }
      if (depth > 0) unterminated = true;
      i = j;
      continue;
    }
    if (c === ';') {
      if (segmentHasContent) statements += 1;
      segmentHasContent = false;
      i += 1;
      continue;
    }
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const quoteEnd = scanQuoted(sql, i, dialect);
    if (quoteEnd !== undefined) {
      if (quoteEnd < 0) {
        unterminated = true;
        content(n);
        break;
      }
      i = quoteEnd;
      content(i);
      continue;
    }
    i += 1;
    content(i);
  }
  if (segmentHasContent) statements += 1;
  return { statements, body: sql.slice(0, lastContentEnd), executableComment, unterminated };
}

/**
 * If a quoted token starts at `i`, the index just past it (-1 when unterminated); otherwise
 * undefined.
 */
function scanQuoted(sql: string, i: number, dialect: SqlDialect): number | undefined {
  const c = sql[i]!;
  const prev = i > 0 ? sql[i - 1]! : '';
  if (c === "'") {
    // Backslash escapes: always in MySQL, in PostgreSQL only inside E'...'.
    const backslash = dialect === 'mysql' || (dialect === 'postgresql' && /[eE]/.test(prev));
    return scanUntil(sql, i + 1, "'", backslash);
  }
  if (c === '"') return scanUntil(sql, i + 1, '"', dialect === 'mysql');
  if (c === '`' && dialect !== 'postgresql') return scanUntil(sql, i + 1, '`', false);
  if (c === '[' && dialect === 'sqlite') {
    const end = sql.indexOf(']', i + 1);
    return end === -1 ? -1 : end + 1;
  }
  if (c === '$' && dialect === 'postgresql' && !IDENT_CHAR.test(prev)) {
    const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
    if (tag === null) return undefined;
    const end = sql.indexOf(tag[0], i + tag[0].length);
    return end === -1 ? -1 : end + tag[0].length;
  }
  return undefined;
}

/** Index just past the closing `quote` (doubled quotes escape it), or -1. */
function scanUntil(sql: string, from: number, quote: string, backslash: boolean): number {
  let j = from;
  while (j < sql.length) {
    const ch = sql[j]!;
    if (backslash && ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j += 1;
  }
  return -1;
}
