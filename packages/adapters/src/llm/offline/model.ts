// The semantic model the offline translator reads questions against, discovered from an
// introspected schema: entities (one per table, named by the table), dimensions (text columns;
// a table's label column such as `name` stands for the entity itself), measures (numeric
// non-key columns, plus a derived revenue = quantity × price × (1 − discount) on a table that
// has them), the date columns, the many-to-one foreign-key graph, and the known text values.
import type { SchemaInfo, TableInfo } from '../../sql/introspect/types.js';
import { stem, words } from '../schema-slice.js';

export interface EntityDef {
  table: string;
  /** Primary key column (first column of the key). */
  pk: string;
  /** The column that names a row (`name`, `title`, `<entity>_name`), if any. */
  label?: string;
  /** Singular human name (`order line`). */
  singular: string;
}

export interface DimensionDef {
  table: string;
  column: string;
  /** Result column alias (`segment`, `customer`). */
  alias: string;
}

export interface MeasureDef {
  id: string;
  table: string;
  /** Result column alias (`revenue`, `quantity`, `unit_price`). */
  alias: string;
  /** Column names the expression uses, in `expr` placeholder order. */
  columns: string[];
  /** The row-level expression with `$0`, `$1`… standing for the qualified columns. */
  expr: string;
  /** Summing it means something (revenue, quantities, amounts); otherwise only averages do. */
  additive: boolean;
  /** Decimals results are rounded to (undefined: not rounded). */
  decimals?: number;
  /** Human description for clarifying questions (`order_lines.quantity × unit_price × (1 − discount)`). */
  describe: string;
}

export interface DateColumn {
  table: string;
  column: string;
}

/** One many-to-one edge: `from.column` references `to.refColumn`. */
export interface ForeignEdge {
  from: string;
  column: string;
  to: string;
  refColumn: string;
}

/** A known text value and the column it belongs to. */
export interface ValueRef {
  table: string;
  column: string;
  /** The value as the database spells it. */
  value: string;
}

export interface SemanticModel {
  tables: ReadonlyMap<string, TableInfo>;
  entities: EntityDef[];
  dimensions: DimensionDef[];
  measures: MeasureDef[];
  dates: DateColumn[];
  edges: ForeignEdge[];
  /** Lower-cased value → where it occurs. */
  values: ReadonlyMap<string, ValueRef[]>;
  /** Stemmed phrase → meanings (see lexicon.ts). Filled by the lexicon. */
}

const NUMERIC = /int|real|float|double|decimal|numeric|number|money/i;
const DATE = /date|time/i;
const QUANTITY = /^(quantity|qty|units|unit_count|quantity_ordered)$/;
const PRICE = /^(unit_price|price|price_each|sale_price)$/;
const DISCOUNT = /^(discount|discount_rate)$/;
const AMOUNT = /^(amount|total|total_amount|net_amount|revenue|sales|line_total)$/;
const MONEYISH = /price|amount|revenue|sales|total|cost/;

/** The human singular name of a table (`order_lines` → `order line`). */
export function singularOf(table: string): string {
  const parts = table
    .toLowerCase()
    .split(/[_\s]+/)
    .filter(Boolean);
  if (parts.length === 0) return table;
  parts[parts.length - 1] = stem(parts[parts.length - 1]!);
  return parts.join(' ');
}

function isKey(table: TableInfo, column: string): boolean {
  return (
    table.primaryKey.includes(column) ||
    table.foreignKeys.some((fk) => fk.columns.includes(column)) ||
    /(^id$|_id$)/i.test(column)
  );
}

function labelOf(table: TableInfo, singular: string): string | undefined {
  const text = table.columns.filter((c) => !NUMERIC.test(c.type) && !DATE.test(c.type));
  const wanted = ['name', 'title', 'label', `${singular.replace(/ /g, '_')}_name`];
  return text.find((c) => wanted.includes(c.name.toLowerCase()))?.name;
}

function measuresOf(table: TableInfo): MeasureDef[] {
  const numeric = table.columns.filter((c) => NUMERIC.test(c.type) && !isKey(table, c.name));
  const out: MeasureDef[] = [];
  const q = numeric.find((c) => QUANTITY.test(c.name.toLowerCase()));
  const p = numeric.find((c) => PRICE.test(c.name.toLowerCase()));
  const d = numeric.find((c) => DISCOUNT.test(c.name.toLowerCase()));
  if (q !== undefined && p !== undefined) {
    out.push({
      id: `${table.name}.revenue`,
      table: table.name,
      alias: 'revenue',
      columns: d === undefined ? [q.name, p.name] : [q.name, p.name, d.name],
      expr: d === undefined ? '$0 * $1' : '$0 * $1 * (1 - $2)',
      additive: true,
      decimals: 2,
      describe:
        d === undefined
          ? `${table.name}.${q.name} × ${p.name}`
          : `${table.name}.${q.name} × ${p.name} × (1 − ${d.name})`,
    });
  }
  for (const c of numeric) {
    const name = c.name.toLowerCase();
    const additive = QUANTITY.test(name) || AMOUNT.test(name);
    const isInteger = /int/i.test(c.type);
    out.push({
      id: `${table.name}.${c.name}`,
      table: table.name,
      alias: name,
      columns: [c.name],
      expr: '$0',
      additive,
      ...(additive && isInteger ? {} : { decimals: MONEYISH.test(name) ? 2 : 4 }),
      describe: `${table.name}.${c.name}`,
    });
  }
  return out;
}

/** Build the model. `values` maps `table.column` to its distinct text values. */
export function buildModel(
  schema: SchemaInfo,
  values: Readonly<Record<string, readonly string[]>> = {},
): SemanticModel {
  const tables = new Map(schema.tables.map((t) => [t.name, t]));
  const entities: EntityDef[] = [];
  const dimensions: DimensionDef[] = [];
  const measures: MeasureDef[] = [];
  const dates: DateColumn[] = [];
  const edges: ForeignEdge[] = [];
  const valueMap = new Map<string, ValueRef[]>();
  const addValue = (table: string, column: string, value: string): void => {
    const key = value.toLowerCase().trim();
    if (key === '' || words(key).length === 0) return;
    const list = valueMap.get(key) ?? [];
    if (!list.some((v) => v.table === table && v.column === column))
      list.push({ table, column, value });
    valueMap.set(key, list);
  };
  for (const table of schema.tables) {
    const singular = singularOf(table.name);
    const label = labelOf(table, singular);
    entities.push({
      table: table.name,
      pk: table.primaryKey[0] ?? 'id',
      singular,
      ...(label === undefined ? {} : { label }),
    });
    for (const c of table.columns) {
      if (DATE.test(c.type) && !NUMERIC.test(c.type)) {
        dates.push({ table: table.name, column: c.name });
        continue;
      }
      if (NUMERIC.test(c.type) || isKey(table, c.name)) continue;
      dimensions.push({
        table: table.name,
        column: c.name,
        alias: c.name === label ? singular.replace(/ /g, '_') : c.name.toLowerCase(),
      });
      for (const v of values[`${table.name}.${c.name}`] ?? c.samples ?? [])
        addValue(table.name, c.name, v);
      for (const v of c.samples ?? []) addValue(table.name, c.name, v);
    }
    measures.push(...measuresOf(table));
    for (const fk of table.foreignKeys)
      if (fk.columns.length === 1 && tables.has(fk.refTable))
        edges.push({
          from: table.name,
          column: fk.columns[0]!,
          to: fk.refTable,
          refColumn: fk.refColumns[0] ?? 'id',
        });
  }
  return { tables, entities, dimensions, measures, dates, edges, values: valueMap };
}

/** Many-to-one join paths from `base`: table → the edges from `base` to it (BFS, shortest). */
export interface JoinPaths {
  paths: Map<string, ForeignEdge[]>;
  /** Tables reachable by more than one shortest path (joining them would be a guess). */
  ambiguous: Set<string>;
}

export function joinPaths(model: SemanticModel, base: string): JoinPaths {
  const paths = new Map<string, ForeignEdge[]>([[base, []]]);
  const ambiguous = new Set<string>();
  let frontier = [base];
  while (frontier.length > 0) {
    const next: string[] = [];
    const reachedNow = new Map<string, ForeignEdge[]>();
    for (const table of frontier)
      for (const edge of model.edges.filter((e) => e.from === table)) {
        if (paths.has(edge.to)) continue;
        if (reachedNow.has(edge.to)) {
          ambiguous.add(edge.to);
          continue;
        }
        reachedNow.set(edge.to, [...paths.get(table)!, edge]);
        next.push(edge.to);
      }
    for (const [t, p] of reachedNow) paths.set(t, p);
    frontier = next;
  }
  // Anything reached through an ambiguous table is ambiguous too.
  for (const [t, p] of paths) if (p.some((e) => ambiguous.has(e.to))) ambiguous.add(t);
  return { paths, ambiguous };
}
