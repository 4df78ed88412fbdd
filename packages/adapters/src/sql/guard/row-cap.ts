// Guard layer (d): an enforced row cap. The statement's own top-level LIMIT is kept when it is a
// literal no larger than the cap; otherwise the query is wrapped as
// `SELECT * FROM (<query>) AS troupe_capped LIMIT cap+1`, so the cap is added or tightened and
// never loosened. One row more than the cap is fetched so the caller can report `truncated`.
// MySQL/MariaDB ignore ORDER BY inside a derived table without LIMIT, so there a query without
// any LIMIT is not wrapped: `sql_select_limit` (applied by the executor) caps it instead.
import { ErrorCode, TroupeError } from '@troupe/core';
import { isNode } from './ast.js';
import type { AstNode } from './ast.js';
import type { ParsedSelect } from './parse.js';

/** What the executor runs and how many rows it may return. */
export interface RowCapPlan {
  /** The SQL text to run. */
  sql: string;
  /** The cap the caller asked for. */
  rowLimit: number;
  /** Rows to fetch at most: rowLimit + 1, so `truncated` can be told apart from "exactly full". */
  fetchLimit: number;
  /** True when the text was wrapped in an outer LIMIT. */
  rewritten: boolean;
}

/** The top-level LIMIT of a statement as far as the cap cares. */
export type ExplicitLimit =
  { kind: 'none' } | { kind: 'literal'; count: number } | { kind: 'other' };

function limitOf(node: AstNode): ExplicitLimit {
  const limit = node.limit;
  if (!isNode(limit) || !Array.isArray(limit.value) || limit.value.length === 0)
    return { kind: 'none' };
  const values = limit.value as unknown[];
  // `LIMIT offset, count` (MySQL) puts the count second; `LIMIT n OFFSET m` puts it first.
  const countNode = limit.seperator === ',' ? values[1] : values[0];
  if (isNode(countNode) && countNode.type === 'number' && typeof countNode.value === 'number')
    return { kind: 'literal', count: countNode.value };
  return { kind: 'other' };
}

/** The LIMIT that bounds the whole statement (for set operations: the one after the last arm). */
export function explicitLimit(ast: AstNode): ExplicitLimit {
  let node = ast;
  let hops = 0;
  while (isNode(node._next) && hops < 10_000) {
    node = node._next;
    hops += 1;
  }
  return limitOf(node);
}

/** Validate a row limit option: a positive safe integer. */
export function checkRowLimit(rowLimit: number, field = 'rowLimit'): number {
  if (!Number.isSafeInteger(rowLimit) || rowLimit < 1)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `${field} must be an integer >= 1, got ${rowLimit}`,
      {
        data: { field },
        retryable: false,
      },
    );
  return rowLimit;
}

/** Wrap `body` in an outer LIMIT. The newline keeps a trailing line comment from eating the `)`. */
export function wrapWithLimit(body: string, limit: number): string {
  return `SELECT * FROM (\n${body}\n) AS troupe_capped LIMIT ${limit}`;
}

/** Layer (d): decide the SQL text that runs under the cap. */
export function planRowCap(parsed: ParsedSelect, rowLimit: number): RowCapPlan {
  checkRowLimit(rowLimit);
  const fetchLimit = rowLimit + 1;
  const limit = explicitLimit(parsed.ast);
  const keep =
    (limit.kind === 'literal' && limit.count <= rowLimit) ||
    (limit.kind === 'none' && parsed.dialect === 'mysql');
  if (keep) return { sql: parsed.body, rowLimit, fetchLimit, rewritten: false };
  return { sql: wrapWithLimit(parsed.body, fetchLimit), rowLimit, fetchLimit, rewritten: true };
}
