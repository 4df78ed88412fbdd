// SQL generation for the offline translator: a parsed query → one SELECT for SQLite,
// PostgreSQL or MySQL. Joins follow many-to-one foreign keys only from the metric's table, so
// no join multiplies rows (a count that needs to cross a one-to-many key counts DISTINCT keys);
// a table reachable two ways, or not at all, is an error rather than a guess. Date windows are
// literal half-open ranges (dialect-neutral); time grains use each dialect's date functions.
import type { SqlDialect } from '../../sql/dialect.js';
import type { Nl2SqlResult } from '../nl2sql-prompt.js';
import type { Grain } from './lexicon.js';
import { joinPaths } from './model.js';
import type { DateColumn, ForeignEdge, MeasureDef, SemanticModel } from './model.js';
import type { Group, Query } from './parse.js';

const RESERVED = new Set([
  'order',
  'group',
  'user',
  'select',
  'from',
  'where',
  'table',
  'limit',
  'by',
  'desc',
  'asc',
  'key',
  'index',
  'check',
  'default',
  'column',
  'to',
  'end',
]);

function quote(dialect: SqlDialect, name: string): string {
  // MySQL's parser reserves many common words (status, …): always quote there.
  if (dialect !== 'mysql' && /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)) return name;
  return dialect === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
}

function literal(dialect: SqlDialect, value: string): string {
  const escaped = value.replace(/'/g, "''");
  return `'${dialect === 'mysql' ? escaped.replace(/\\/g, '\\\\') : escaped}'`;
}

function grainExpr(dialect: SqlDialect, grain: Grain, col: string): string {
  switch (dialect) {
    case 'sqlite':
      if (grain === 'day') return `date(${col})`;
      if (grain === 'month') return `strftime('%Y-%m', ${col})`;
      if (grain === 'year') return `strftime('%Y', ${col})`;
      return `strftime('%Y', ${col}) || '-Q' || ((CAST(strftime('%m', ${col}) AS INTEGER) + 2) / 3)`;
    case 'postgresql':
      if (grain === 'day') return `to_char(${col}, 'YYYY-MM-DD')`;
      if (grain === 'month') return `to_char(${col}, 'YYYY-MM')`;
      if (grain === 'year') return `to_char(${col}, 'YYYY')`;
      return `to_char(${col}, 'YYYY-"Q"Q')`;
    case 'mysql':
      if (grain === 'day') return `DATE_FORMAT(${col}, '%Y-%m-%d')`;
      if (grain === 'month') return `DATE_FORMAT(${col}, '%Y-%m')`;
      if (grain === 'year') return `DATE_FORMAT(${col}, '%Y')`;
      return `CONCAT(YEAR(${col}), '-Q', QUARTER(${col}))`;
  }
}

class Refuse extends Error {
  constructor(readonly result: Nl2SqlResult) {
    super(result.kind);
  }
}

/** The date column a query's window or grain uses: the only one reachable from the base. */
function dateColumnFor(model: SemanticModel, reachable: (table: string) => boolean): DateColumn {
  const candidates = model.dates.filter((d) => reachable(d.table));
  if (candidates.length === 0) {
    const all = model.dates.map((d) => `${d.table}.${d.column}`);
    throw new Refuse({
      kind: 'error',
      reason:
        all.length === 0
          ? 'this database has no date column to filter or group by'
          : `the dates (${all.join(', ')}) cannot be related to what is measured`,
    });
  }
  if (candidates.length > 1)
    throw new Refuse({
      kind: 'clarify',
      ask: `Which date: ${candidates.map((d) => `${d.table}.${d.column}`).join(' or ')}?`,
    });
  return candidates[0]!;
}

function needsDate(query: Query): boolean {
  return query.window !== undefined || query.groups.some((g) => g.kind === 'grain');
}

function tablesOf(query: Query): string[] {
  const tables = new Set<string>();
  for (const g of query.groups)
    if (g.kind !== 'grain') tables.add(g.kind === 'dim' ? g.dim.table : g.entity.table);
  for (const f of query.filters) tables.add(f.table);
  const m = query.metric;
  tables.add(m.kind === 'count' ? m.entity.table : m.measure.table);
  if (m.kind === 'per') tables.add(m.entity.table);
  return [...tables];
}

interface Plan {
  base: string;
  edges: ForeignEdge[];
  date?: DateColumn;
  distinct: boolean;
}

function planFrom(model: SemanticModel, base: string, query: Query): Plan | undefined {
  const { paths, ambiguous } = joinPaths(model, base);
  const ok = (t: string): boolean => paths.has(t) && !ambiguous.has(t);
  const tables = tablesOf(query);
  if (!tables.every(ok)) return undefined;
  let date: DateColumn | undefined;
  if (needsDate(query)) {
    const reachable = model.dates.filter((d) => ok(d.table));
    if (reachable.length === 0) return undefined;
    date = dateColumnFor(model, ok);
    tables.push(date.table);
  }
  const edges = new Map<string, ForeignEdge>();
  for (const t of tables) for (const e of paths.get(t)!) edges.set(`${e.from}.${e.column}`, e);
  const ordered = [...edges.values()].sort(
    (a, b) => paths.get(a.to)!.length - paths.get(b.to)!.length || (a.to < b.to ? -1 : 1),
  );
  const metric = query.metric;
  return {
    base,
    edges: ordered,
    ...(date === undefined ? {} : { date }),
    distinct: metric.kind === 'count' && metric.entity.table !== base,
  };
}

function choosePlan(model: SemanticModel, query: Query): Plan {
  if (needsDate(query) && model.dates.length === 0)
    throw new Refuse({
      kind: 'error',
      reason: 'this database has no date column to filter or group by',
    });
  const m = query.metric;
  const home = m.kind === 'count' ? m.entity.table : m.measure.table;
  const direct = planFrom(model, home, query);
  if (direct !== undefined) return direct;
  if (m.kind === 'count') {
    // Cross a one-to-many key: count DISTINCT entity keys from the table that reaches everything.
    const plans = [...model.tables.keys()]
      .filter((t) => t !== home)
      .map((t) => planFrom(model, t, query))
      .filter((p): p is Plan => p !== undefined)
      .sort((a, b) => a.edges.length - b.edges.length);
    if (plans.length > 0 && (plans.length === 1 || plans[0]!.edges.length < plans[1]!.edges.length))
      return plans[0]!;
    if (plans.length > 1)
      throw new Refuse({
        kind: 'clarify',
        ask: `Counting ${m.entity.table} here could go through ${plans
          .filter((p) => p.edges.length === plans[0]!.edges.length)
          .map((p) => p.base)
          .join(' or ')}: which one?`,
      });
  }
  const others = tablesOf(query).filter((t) => t !== home);
  throw new Refuse({
    kind: 'error',
    reason: `${others.join(', ') || 'the date'} cannot be related to ${home} precisely (no single many-to-one foreign-key path)`,
  });
}

function round(dialect: SqlDialect, expr: string, decimals: number | undefined): string {
  if (decimals === undefined) return expr;
  return dialect === 'postgresql'
    ? `ROUND(CAST(${expr} AS numeric), ${decimals})`
    : `ROUND(${expr}, ${decimals})`;
}

function measureExpr(measure: MeasureDef, col: (t: string, c: string) => string): string {
  return measure.expr.replace(/\$(\d)/g, (_, i: string) =>
    col(measure.table, measure.columns[Number(i)]!),
  );
}

function snake(text: string): string {
  return text.replace(/\s+/g, '_');
}

/** Build the SQL of a parsed query, or a clarify / error result. */
export function buildSql(model: SemanticModel, query: Query, dialect: SqlDialect): Nl2SqlResult {
  try {
    return { kind: 'sql', sql: build(model, query, dialect) };
  } catch (err) {
    if (err instanceof Refuse) return err.result;
    throw err;
  }
}

function build(model: SemanticModel, query: Query, dialect: SqlDialect): string {
  const plan = choosePlan(model, query);
  const q = (name: string): string => quote(dialect, name);
  const col = (t: string, c: string): string => `${q(t)}.${q(c)}`;
  const select: string[] = [];
  const groupBy: string[] = [];
  const aliases: string[] = [];
  const addGroup = (g: Group): void => {
    if (g.kind === 'grain') {
      const e = grainExpr(dialect, g.grain, col(plan.date!.table, plan.date!.column));
      select.push(`${e} AS ${q(g.grain)}`);
      groupBy.push(e);
      aliases.push(q(g.grain));
    } else if (g.kind === 'dim') {
      select.push(`${col(g.dim.table, g.dim.column)} AS ${q(g.dim.alias)}`);
      groupBy.push(col(g.dim.table, g.dim.column));
      aliases.push(q(g.dim.alias));
    } else {
      const e = g.entity;
      const alias = snake(e.label === undefined ? `${e.singular} ${e.pk}` : e.singular);
      select.push(`${col(e.table, e.label ?? e.pk)} AS ${q(alias)}`);
      groupBy.push(col(e.table, e.pk), ...(e.label === undefined ? [] : [col(e.table, e.label)]));
      aliases.push(q(alias));
    }
  };
  query.groups.forEach(addGroup);

  const m = query.metric;
  let metric: string;
  let alias: string;
  if (m.kind === 'count') {
    metric = plan.distinct ? `COUNT(DISTINCT ${col(m.entity.table, m.entity.pk)})` : 'COUNT(*)';
    alias = `${snake(m.entity.singular)}_count`;
  } else if (m.kind === 'sum') {
    metric = round(dialect, `SUM(${measureExpr(m.measure, col)})`, m.measure.decimals);
    alias = m.measure.alias;
  } else if (m.kind === 'avg') {
    metric = round(dialect, `AVG(${measureExpr(m.measure, col)})`, m.measure.decimals ?? 4);
    alias = `avg_${m.measure.alias}`;
  } else {
    const sum = `SUM(${measureExpr(m.measure, col)})`;
    // Numeric division (not integer division), rounded like money.
    const per = `COUNT(DISTINCT ${col(m.entity.table, m.entity.pk)})`;
    metric =
      dialect === 'postgresql'
        ? `ROUND(CAST(${sum} AS numeric) / ${per}, 2)`
        : `ROUND(${sum} * 1.0 / ${per}, 2)`;
    alias = m.valueOf
      ? `avg_${snake(m.entity.singular)}_value`
      : `avg_${m.measure.alias}_per_${snake(m.entity.singular)}`;
  }
  select.push(`${metric} AS ${q(alias)}`);

  const lines = [`SELECT ${select.join(', ')}`, `FROM ${q(plan.base)}`];
  for (const e of plan.edges)
    lines.push(`JOIN ${q(e.to)} ON ${col(e.to, e.refColumn)} = ${col(e.from, e.column)}`);
  const where: string[] = [];
  for (const f of query.filters) {
    const values = [...f.values].sort();
    where.push(
      values.length === 1
        ? `${col(f.table, f.column)} = ${literal(dialect, values[0]!)}`
        : `${col(f.table, f.column)} IN (${values.map((v) => literal(dialect, v)).join(', ')})`,
    );
  }
  if (query.window !== undefined) {
    const d = col(plan.date!.table, plan.date!.column);
    where.push(
      `${d} >= ${literal(dialect, query.window.from)}`,
      `${d} < ${literal(dialect, query.window.to)}`,
    );
  }
  if (where.length > 0) lines.push(`WHERE ${where.join(' AND ')}`);
  if (groupBy.length > 0) lines.push(`GROUP BY ${groupBy.join(', ')}`);
  const metricAlias = q(alias);
  if (query.top !== undefined) {
    lines.push(
      `ORDER BY ${[`${metricAlias} ${query.top.dir.toUpperCase()}`, ...aliases].join(', ')}`,
    );
    lines.push(`LIMIT ${query.top.n}`);
  } else if (query.groups.some((g) => g.kind === 'grain')) {
    lines.push(`ORDER BY ${aliases.join(', ')}`);
  } else if (aliases.length > 0) {
    lines.push(`ORDER BY ${[`${metricAlias} DESC`, ...aliases].join(', ')}`);
  }
  return lines.join('\n');
}
