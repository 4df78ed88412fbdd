// Retrieval of the part of a schema a question is about, so a prompt carries a few relevant
// tables instead of the whole catalog: lexical scoring of table names, column names and sample
// values against the question's words (with light stemming and a few business synonyms), then
// the tables on the foreign-key paths between the hits and the lookup tables they reference,
// so a slice is always joinable.
import type { SchemaInfo, TableInfo } from '../sql/introspect/types.js';

/** Default most tables in a slice (FK path tables may add a few more). */
export const DEFAULT_SLICE_TABLES = 6;

export interface SchemaSliceOptions {
  /** Most scored tables kept (before FK path and lookup tables are added). Default 6. */
  maxTables?: number;
}

/** Words that name a column's meaning rather than its name. */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  sale: ['price', 'amount', 'quantity', 'total', 'revenue'],
  revenue: ['price', 'amount', 'quantity', 'total'],
  turnover: ['price', 'amount', 'quantity'],
  spend: ['price', 'amount'],
  value: ['price', 'amount', 'total'],
  unit: ['quantity'],
  sold: ['quantity'],
  bought: ['quantity'],
  when: ['date', 'time'],
  month: ['date'],
  year: ['date'],
  quarter: ['date'],
  day: ['date'],
  week: ['date'],
};

/** Light stemming: plural endings off (`categories` → `category`, `orders` → `order`). */
export function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(ses|xes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Lower-cased, stemmed word tokens of a text (identifiers split on `_`). */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).map(stem);
}

function scoreTable(table: TableInfo, terms: ReadonlySet<string>, question: string): number {
  let score = 0;
  for (const w of words(table.name)) if (terms.has(w)) score += 3;
  for (const column of table.columns) {
    for (const w of words(column.name)) if (terms.has(w) && w !== 'id') score += 2;
    for (const sample of column.samples ?? []) {
      const s = sample.toLowerCase();
      if (s.length >= 2 && new RegExp(`(^|[^a-z0-9])${escape(s)}([^a-z0-9]|$)`).test(question))
        score += 3;
    }
  }
  return score;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Undirected FK adjacency between table names. */
function adjacency(schema: SchemaInfo): Map<string, Set<string>> {
  const adj = new Map<string, Set<string>>(schema.tables.map((t) => [t.name, new Set()]));
  for (const t of schema.tables)
    for (const fk of t.foreignKeys) {
      if (!adj.has(fk.refTable)) continue;
      adj.get(t.name)!.add(fk.refTable);
      adj.get(fk.refTable)!.add(t.name);
    }
  return adj;
}

function shortestPath(adj: Map<string, Set<string>>, from: string, to: string): string[] {
  const prev = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node === to) break;
    for (const next of [...(adj.get(node) ?? [])].sort())
      if (!prev.has(next)) {
        prev.set(next, node);
        queue.push(next);
      }
  }
  if (!prev.has(to)) return [];
  const path = [to];
  while (path[0] !== from) path.unshift(prev.get(path[0]!)!);
  return path;
}

/**
 * The tables a question is about, joinable: scored tables (up to `maxTables`), the tables on the
 * FK paths between them, and every table they reference (transitively). When nothing scores,
 * the first `maxTables` tables. Table order is the schema's.
 */
export function selectSchemaSlice(
  schema: SchemaInfo,
  question: string,
  options: SchemaSliceOptions = {},
): SchemaInfo {
  const maxTables = options.maxTables ?? DEFAULT_SLICE_TABLES;
  const text = question.toLowerCase();
  const terms = new Set(words(text));
  for (const w of [...terms]) for (const s of SYNONYMS[w] ?? []) terms.add(s);
  const scored = schema.tables
    .map((t) => ({ name: t.name, score: scoreTable(t, terms, text) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : 1))
    .slice(0, maxTables)
    .map((s) => s.name);
  if (scored.length === 0) return { ...schema, tables: schema.tables.slice(0, maxTables) };
  const keep = new Set(scored);
  const adj = adjacency(schema);
  for (let i = 0; i < scored.length; i++)
    for (let j = i + 1; j < scored.length; j++)
      for (const t of shortestPath(adj, scored[i]!, scored[j]!)) keep.add(t);
  const byName = new Map(schema.tables.map((t) => [t.name, t]));
  const stack = [...keep];
  while (stack.length > 0) {
    for (const fk of byName.get(stack.pop()!)?.foreignKeys ?? [])
      if (byName.has(fk.refTable) && !keep.has(fk.refTable)) {
        keep.add(fk.refTable);
        stack.push(fk.refTable);
      }
  }
  return { ...schema, tables: schema.tables.filter((t) => keep.has(t.name)) };
}
