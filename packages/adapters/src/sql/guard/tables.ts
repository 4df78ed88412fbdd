// Guard layer (b): an anchored table allowlist. Every table a statement reads, in subqueries,
// CTE bodies and set operations too, must be named exactly (case-insensitively) in the allowlist:
// `table` for an unqualified reference, `schema.table` for a qualified one. CTE names are scoped
// the way the databases scope them, so a CTE cannot be used to smuggle a real table past the
// list. System catalogs are refused with their own reason unless the allowlist names them.
import type { SqlDialect } from '../dialect.js';
import { sqlRefused } from '../errors.js';
import { isNode, walkAst } from './ast.js';
import type { AstNode } from './ast.js';
import type { ParsedSelect } from './parse.js';

/** A table reference as written: optional qualifier (schema / database) and name. */
export interface TableRef {
  qualifier?: string;
  name: string;
}

/** Lower-cased `qualifier.name` or `name`: the form allowlists are compared in. */
export function tableKey(ref: TableRef): string {
  const name = ref.name.toLowerCase();
  return ref.qualifier === undefined ? name : `${ref.qualifier.toLowerCase()}.${name}`;
}

const CATALOG_SCHEMAS: Readonly<Record<SqlDialect, readonly string[]>> = {
  sqlite: [],
  postgresql: ['pg_catalog', 'information_schema', 'pg_toast'],
  mysql: ['mysql', 'information_schema', 'performance_schema', 'sys'],
};

/** True when `ref` names a system catalog of `dialect`. */
export function isSystemCatalog(ref: TableRef, dialect: SqlDialect): boolean {
  const name = ref.name.toLowerCase();
  const qualifier = ref.qualifier?.toLowerCase();
  if (
    qualifier !== undefined &&
    CATALOG_SCHEMAS[dialect].some((s) => qualifier.split('.').includes(s))
  )
    return true;
  // Unqualified pg_* names resolve to pg_catalog first; sqlite_* are SQLite's own tables.
  if (dialect === 'postgresql') return name.startsWith('pg_');
  if (dialect === 'sqlite') return name.startsWith('sqlite_');
  return false;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function cteName(entry: unknown): string | undefined {
  if (!isNode(entry)) return undefined;
  const name = entry.name;
  if (typeof name === 'string') return name.toLowerCase();
  if (isNode(name) && typeof name.value === 'string') return name.value.toLowerCase();
  return undefined;
}

/** Every real table the statement reads, with CTE references resolved away. */
export function collectTableRefs(parsed: ParsedSelect): TableRef[] {
  const refs: TableRef[] = [];
  const visitSelect = (select: AstNode, outer: ReadonlySet<string>): void => {
    const withList = Array.isArray(select.with) ? (select.with as unknown[]) : [];
    const names = withList.map(cteName);
    const recursive = withList.some((w) => isNode(w) && w.recursive === true);
    // PostgreSQL and MySQL: a plain CTE sees only the CTEs before it; WITH RECURSIVE sees all.
    // SQLite: a CTE may also refer to itself without the RECURSIVE keyword.
    withList.forEach((entry, index) => {
      const visible = new Set(outer);
      const upTo = recursive ? names.length : parsed.dialect === 'sqlite' ? index + 1 : index;
      for (const name of names.slice(0, upTo)) if (name !== undefined) visible.add(name);
      visitBody(isNode(entry) ? entry.stmt : undefined, visible);
    });
    const scope = new Set(outer);
    for (const name of names) if (name !== undefined) scope.add(name);
    for (const [key, value] of Object.entries(select)) {
      if (key === 'with') continue;
      if (key === 'from' && Array.isArray(value)) {
        for (const item of value as unknown[]) visitFromItem(item, scope);
        continue;
      }
      visitBody(value, scope);
    }
  };
  const visitFromItem = (item: unknown, scope: ReadonlySet<string>): void => {
    if (!isNode(item)) return;
    const table = stringOrUndefined(item.table);
    if (table !== undefined && item.expr === undefined) {
      const qualifier = [stringOrUndefined(item.db), stringOrUndefined(item.schema)]
        .filter((p): p is string => p !== undefined)
        .join('.');
      if (qualifier === '' && scope.has(table.toLowerCase())) {
        // A CTE reference: nothing to check, but its ON / USING may hold subqueries.
      } else refs.push(qualifier === '' ? { name: table } : { qualifier, name: table });
      for (const [key, value] of Object.entries(item)) if (key !== 'table') visitBody(value, scope);
      return;
    }
    visitBody(item, scope);
  };
  // Walk anything; hand every nested select to visitSelect with the current scope.
  const visitBody = (root: unknown, scope: ReadonlySet<string>): void => {
    walkAst(root, (node) => {
      if (node.type === 'select') {
        visitSelect(node, scope);
        return false;
      }
      return true;
    });
  };
  visitSelect(parsed.ast, new Set());
  return refs;
}

/**
 * Layer (b). `allowTables` holds `table` / `schema.table` entries (case-insensitive, exact).
 * Throws SQL_REFUSED naming the first table that is not allowed.
 */
export function checkTables(parsed: ParsedSelect, allowTables: readonly string[]): void {
  const allowed = new Set(allowTables.map((t) => t.toLowerCase()));
  const refs = collectTableRefs(parsed);
  for (const ref of refs) {
    const key = tableKey(ref);
    if (allowed.has(key)) continue;
    if (isSystemCatalog(ref, parsed.dialect))
      throw sqlRefused('tables', parsed.dialect, `system catalog ${key} is not allowed`, {
        table: key,
      });
    throw sqlRefused('tables', parsed.dialect, `table ${key} is not in the allowlist`, {
      table: key,
    });
  }
  // Cross-check with the parser's own table list: a name it saw that is neither an allowed
  // table nor a CTE name means the walk above missed a node shape, so refuse.
  const cteNames = new Set<string>();
  walkAst(parsed.ast, (node) => {
    if (node.type === 'select' && Array.isArray(node.with))
      for (const w of node.with as unknown[]) {
        const name = cteName(w);
        if (name !== undefined) cteNames.add(name);
      }
  });
  for (const entry of parsed.tableList) {
    const [, db, table] = entry.split('::');
    if (table === undefined || table === '') continue;
    const qualifier = db === undefined || db === 'null' || db === '' ? undefined : db;
    const key = tableKey(qualifier === undefined ? { name: table } : { qualifier, name: table });
    if (allowed.has(key) || (qualifier === undefined && cteNames.has(key))) continue;
    throw sqlRefused('tables', parsed.dialect, `table ${key} is not in the allowlist`, {
      table: key,
    });
  }
}
