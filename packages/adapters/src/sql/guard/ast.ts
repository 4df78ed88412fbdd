// Plain helpers over node-sql-parser's AST, which is loosely typed JSON: a node test, a name
// reader for function nodes, and a depth-first walk that visits every object (subqueries, CTEs,
// set operations, expressions) so no layer depends on knowing every node shape.

/** An AST node: any plain object from the parser. */
export type AstNode = Record<string, unknown>;

export function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Visit `root` and every object below it, depth first. `visit` returning false skips children. */
export function walkAst(root: unknown, visit: (node: AstNode) => boolean | void): void {
  const stack: unknown[] = [root];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
      continue;
    }
    const node = value as AstNode;
    if (visit(node) === false) continue;
    for (const child of Object.values(node)) stack.push(child);
  }
}

function partName(part: unknown): string | undefined {
  if (typeof part === 'string') return part;
  if (isNode(part) && typeof part.value === 'string') return part.value;
  return undefined;
}

/**
 * The name of a function-call node (`function`, `aggr_func`, `window_func`), lower-cased and
 * split into its qualifier (schema) and base name. Undefined when the node is not a call.
 */
export function functionName(node: AstNode): { schema?: string; name: string } | undefined {
  if (node.type !== 'function' && node.type !== 'aggr_func' && node.type !== 'window_func')
    return undefined;
  const raw = node.name;
  const parts: string[] = [];
  let schema: string | undefined;
  if (typeof raw === 'string') parts.push(raw);
  else if (isNode(raw)) {
    if (Array.isArray(raw.name)) {
      for (const p of raw.name) {
        const s = partName(p);
        if (s !== undefined) parts.push(s);
      }
    } else {
      const s = partName(raw.name) ?? partName(raw);
      if (s !== undefined) parts.push(s);
    }
    schema = partName(raw.schema);
  }
  if (parts.length === 0) return { name: '' };
  const name = parts[parts.length - 1]!.toLowerCase();
  const qualifier = [schema, ...parts.slice(0, -1)].filter((p): p is string => p !== undefined);
  return qualifier.length > 0 ? { schema: qualifier.join('.').toLowerCase(), name } : { name };
}
