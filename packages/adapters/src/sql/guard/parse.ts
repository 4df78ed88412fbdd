// Guard layer (a): parse with node-sql-parser in the connection's dialect and accept only one
// read-only statement: a SELECT or WITH … SELECT, with no data-modifying CTE, no SELECT … INTO
// and no locking clause. The lexer gives a second, independent opinion on the statement count
// and spots MySQL executable comments. Anything the parser cannot read is refused.
import { createRequire } from 'node:module';
import type { Parser as ParserType, TableColumnAst } from 'node-sql-parser';
import type { SqlDialect } from '../dialect.js';
import { sqlRefused } from '../errors.js';
import { isNode, walkAst } from './ast.js';
import type { AstNode } from './ast.js';
import { lexSql } from './lexer.js';

/** A statement that passed layer (a). */
export interface ParsedSelect {
  dialect: SqlDialect;
  /** The statement's AST (a `select` node). */
  ast: AstNode;
  /** node-sql-parser's `{type}::{db}::{table}` list, a cross-check for the table layer. */
  tableList: readonly string[];
  /** The original text without trailing `;` and comments: what the database will run. */
  body: string;
}

const PARSER_MODULES: Readonly<Record<SqlDialect, string>> = {
  sqlite: 'node-sql-parser/build/sqlite',
  postgresql: 'node-sql-parser/build/postgresql',
  mysql: 'node-sql-parser/build/mariadb',
};
const PARSER_DATABASE: Readonly<Record<SqlDialect, string>> = {
  sqlite: 'sqlite',
  postgresql: 'postgresql',
  mysql: 'mariadb',
};

const require = createRequire(import.meta.url);
const parsers = new Map<SqlDialect, ParserType>();

// Each dialect's grammar is ~1 MB of generated code: load only the ones a process uses.
function parserFor(dialect: SqlDialect): ParserType {
  let parser = parsers.get(dialect);
  if (parser === undefined) {
    const mod = require(PARSER_MODULES[dialect]) as { Parser: new () => ParserType };
    parser = new mod.Parser();
    parsers.set(dialect, parser);
  }
  return parser;
}

/**
 * Statement node types that write, define or control anything, matched case-sensitively: the
 * parser names statements in lower case (ORDER BY items use upper-case `ASC` / `DESC`).
 */
const NON_READ_TYPES = new Set([
  'insert',
  'replace',
  'update',
  'delete',
  'create',
  'drop',
  'alter',
  'truncate',
  'rename',
  'use',
  'set',
  'lock',
  'unlock',
  'grant',
  'revoke',
  'call',
  'exec',
  'execute',
  'transaction',
  'load_data',
  'merge',
  'copy',
  'attach',
  'pragma',
  'vacuum',
]);

function intoIsSet(into: unknown): boolean {
  if (!isNode(into)) return into !== undefined && into !== null && into !== false;
  return (
    (into.position !== null && into.position !== undefined) ||
    into.expr !== undefined ||
    into.keyword !== undefined
  );
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).slice(0, 200);
}

/** Layer (a). Throws SQL_REFUSED with the reason; returns the parsed statement otherwise. */
export function parseSelect(sql: string, dialect: SqlDialect): ParsedSelect {
  if (typeof sql !== 'string' || sql.trim() === '')
    throw sqlRefused('parse', dialect, 'the SQL text is empty');
  const lex = lexSql(sql, dialect);
  if (lex.unterminated)
    throw sqlRefused('parse', dialect, 'unterminated string, quoted identifier or comment');
  if (lex.executableComment)
    throw sqlRefused(
      'parse',
      dialect,
      'MySQL executable comments and optimizer hints are not allowed',
    );
  if (lex.statements !== 1)
    throw sqlRefused('parse', dialect, `exactly one statement is allowed, found ${lex.statements}`);

  let parsed: TableColumnAst;
  try {
    parsed = parserFor(dialect).parse(lex.body, { database: PARSER_DATABASE[dialect] });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw sqlRefused('parse', dialect, `could not parse the statement: ${firstLine(message)}`);
  }
  const statements = (Array.isArray(parsed.ast) ? parsed.ast : [parsed.ast]) as unknown[];
  if (statements.length !== 1)
    throw sqlRefused(
      'parse',
      dialect,
      `exactly one statement is allowed, found ${statements.length}`,
    );
  const ast = statements[0];
  if (!isNode(ast) || ast.type !== 'select') {
    const type = isNode(ast) && typeof ast.type === 'string' ? ast.type.toUpperCase() : 'unknown';
    throw sqlRefused('parse', dialect, `only SELECT or WITH … SELECT is allowed, got ${type}`, {
      statement: type,
    });
  }

  walkAst(ast, (node) => {
    if (typeof node.type === 'string' && NON_READ_TYPES.has(node.type))
      throw sqlRefused(
        'parse',
        dialect,
        `a ${node.type.toUpperCase()} inside the query is not allowed`,
        {
          statement: node.type.toUpperCase(),
        },
      );
    if (node.type === 'select') {
      if (intoIsSet(node.into)) throw sqlRefused('parse', dialect, 'SELECT … INTO is not allowed');
      const locking = node.locking_read ?? node.for_update ?? node.lock;
      if (locking !== undefined && locking !== null && locking !== '')
        throw sqlRefused(
          'parse',
          dialect,
          'locking clauses (FOR UPDATE / FOR SHARE) are not allowed',
        );
    }
  });

  const tableList = parsed.tableList ?? [];
  for (const entry of tableList) {
    if (!entry.toLowerCase().startsWith('select::'))
      throw sqlRefused(
        'parse',
        dialect,
        `the statement does more than read (${entry.split('::')[0]})`,
      );
  }
  return { dialect, ast, tableList, body: lex.body };
}
