// The offline translator's grammar: tokens (lexicon.ts) → a structured query (one metric, the
// groupings, value filters, one time window, an optional top-N). Every step that would need a
// guess ends in a clarifying question (ambiguous or unknown words, a measure that fits twice,
// "average revenue" without "per …") or an error (unsupported operations), never in SQL.
import type { Nl2SqlResult } from '../nl2sql-prompt.js';
import type { Grain, Keyword, Meaning, Token } from './lexicon.js';
import type { DimensionDef, EntityDef, MeasureDef, SemanticModel, ValueRef } from './model.js';
import type { DateWindow } from './time-window.js';

export type Group =
  | { kind: 'dim'; dim: DimensionDef }
  | { kind: 'entity'; entity: EntityDef }
  | { kind: 'grain'; grain: Grain };

export type Metric =
  | { kind: 'sum'; measure: MeasureDef }
  | { kind: 'avg'; measure: MeasureDef }
  | { kind: 'per'; measure: MeasureDef; entity: EntityDef; valueOf: boolean }
  | { kind: 'count'; entity: EntityDef };

export interface Filter {
  table: string;
  column: string;
  values: string[];
}

export interface Query {
  metric: Metric;
  groups: Group[];
  filters: Filter[];
  window?: DateWindow;
  top?: { n: number; dir: 'desc' | 'asc' };
}

export type ParseOutcome = { ok: true; query: Query } | { ok: false; result: Nl2SqlResult };

class Stop extends Error {
  constructor(readonly result: Nl2SqlResult) {
    super(result.kind);
  }
}

const clarify = (ask: string): Stop => new Stop({ kind: 'clarify', ask });
const fail = (reason: string): Stop => new Stop({ kind: 'error', reason });

type Pick<T extends Meaning['t']> = Extract<Meaning, { t: T }>;

function of<T extends Meaning['t']>(token: Token | undefined, t: T): Pick<T>[] {
  if (token?.k !== 'word') return [];
  return token.meanings.filter((m): m is Pick<T> => m.t === t);
}

function kw(token: Token | undefined): Keyword | undefined {
  return of(token, 'kw')[0]?.kw;
}

function one<T>(list: readonly T[], text: string, name: (t: T) => string): T {
  const distinct = [...new Map(list.map((x) => [name(x), x])).values()];
  if (distinct.length > 1)
    throw clarify(`"${text}" could mean ${distinct.map(name).join(' or ')}: which one?`);
  return distinct[0]!;
}

const dimName = (d: DimensionDef): string => `${d.table}.${d.column}`;
const entityName = (e: EntityDef): string => e.table;
const measureName = (m: MeasureDef): string => m.describe;

function groupOf(token: Token | undefined): Group | undefined {
  const grains = of(token, 'grain');
  if (grains.length > 0) return { kind: 'grain', grain: grains[0]!.grain };
  const dims = of(token, 'dim').map((m) => m.dim);
  const entities = of(token, 'entity').map((m) => m.entity);
  const text = token?.k === 'word' ? token.text : '';
  if (dims.length > 0 && entities.length > 0) {
    const names = [...dims.map(dimName), ...entities.map(entityName)];
    throw clarify(`"${text}" could mean ${names.join(' or ')}: which one?`);
  }
  if (dims.length > 0) return { kind: 'dim', dim: one(dims, text, dimName) };
  if (entities.length > 0) {
    return { kind: 'entity', entity: one(entities, text, entityName) };
  }
  return undefined;
}

/** Pass 1: value filters, with the dimension or entity word beside them as a qualifier. */
function readValues(tokens: Token[], consumed: Set<number>): Filter[] {
  const filters: Filter[] = [];
  tokens.forEach((token, i) => {
    if (token.k !== 'value') return;
    consumed.add(i);
    let refs: ValueRef[] = token.refs;
    for (const j of [i + 1, i - 1]) {
      const near = tokens[j];
      if (consumed.has(j) || near?.k !== 'word') continue;
      const fits = refs.filter(
        (r) =>
          of(near, 'dim').some((m) => m.dim.table === r.table && m.dim.column === r.column) ||
          of(near, 'entity').some((m) => m.entity.table === r.table),
      );
      if (fits.length > 0) {
        refs = fits;
        // "how many cancelled orders": the entity after the value is also what is counted.
        const counted =
          j === i + 1 && kw(tokens[i - 1]) === 'count' && of(near, 'entity').length > 0;
        if (!counted) consumed.add(j);
        break;
      }
    }
    const columns = [...new Set(refs.map((r) => `${r.table}.${r.column}`))];
    if (columns.length > 1)
      throw clarify(`"${token.text}" is a value of ${columns.join(' and ')}: which did you mean?`);
    const ref = refs[0]!;
    const existing = filters.find((f) => f.table === ref.table && f.column === ref.column);
    if (existing === undefined)
      filters.push({ table: ref.table, column: ref.column, values: [ref.value] });
    else if (!existing.values.includes(ref.value)) existing.values.push(ref.value);
  });
  return filters;
}

interface Pending {
  agg: 'sum' | 'avg';
  measures: MeasureDef[];
  text: string;
}

/** Parse the tokens of one question. */
export function parseQuestion(tokens: Token[], model: SemanticModel): ParseOutcome {
  try {
    return { ok: true, query: parse(tokens, model) };
  } catch (err) {
    if (err instanceof Stop) return { ok: false, result: err.result };
    throw err;
  }
}

function parse(tokens: Token[], model: SemanticModel): Query {
  const bad = tokens.find((t) => t.k === 'unsupported');
  if (bad !== undefined)
    throw fail(
      `the offline translator does not support "${bad.text}" (see its README for the questions it answers)`,
    );
  const unknown = tokens.filter((t) => t.k === 'unknown').map((t) => t.text);
  if (unknown.length > 0)
    throw clarify(
      `I don't know what ${unknown.map((w) => `"${w}"`).join(', ')} refers to in this database. ${vocabulary(model)}`,
    );
  if (tokens.length === 0) throw fail('the question is empty');

  const consumed = new Set<number>();
  const filters = readValues(tokens, consumed);
  const groups: Group[] = [];
  let metric: Metric | undefined;
  let pending: Pending | undefined;
  let perEntity: EntityDef | undefined;
  let window: DateWindow | undefined;
  let top: Query['top'];
  const setMetric = (m: Metric): void => {
    if (metric !== undefined || pending !== undefined)
      throw fail('the offline translator answers one measure per question');
    metric = m;
  };
  const setPending = (p: Pending): void => {
    if (metric !== undefined || pending !== undefined)
      throw fail('the offline translator answers one measure per question');
    pending = p;
  };
  const next = (i: number): number => {
    let j = i + 1;
    while (consumed.has(j)) j++;
    return j;
  };
  const revenueMeasure = (why: string): MeasureDef =>
    one(
      model.measures.filter((m) => m.alias === 'revenue' && m.additive),
      why,
      measureName,
    );

  for (let i = 0; i < tokens.length; i++) {
    if (consumed.has(i)) continue;
    const token = tokens[i]!;
    const word = token.k === 'word' ? token.text : token.text;
    if (token.k === 'time') {
      if (window !== undefined)
        throw fail('the offline translator takes one time window per question');
      window = token.window;
      continue;
    }
    if (token.k === 'num')
      throw clarify(`What does "${token.text}" refer to? Say "top ${token.text} …" for a ranking.`);
    const k = kw(token);
    if (k === 'and') continue;
    if (k === 'count') {
      const j = next(i);
      const entities = of(tokens[j], 'entity').map((m) => m.entity);
      if (entities.length === 0)
        throw clarify('How many of what? For example: how many orders, how many customers.');
      setMetric({ kind: 'count', entity: one(entities, tokens[j]!.text, entityName) });
      consumed.add(j);
      continue;
    }
    if (k === 'avg' || k === 'total') {
      const j = next(i);
      const entities = of(tokens[j], 'entity').map((m) => m.entity);
      if (k === 'avg' && entities.length > 0 && kw(tokens[next(j)]) === 'value') {
        const entity = one(entities, tokens[j]!.text, entityName);
        setMetric({
          kind: 'per',
          measure: revenueMeasure(`${entity.singular} value`),
          entity,
          valueOf: true,
        });
        consumed.add(j).add(next(j));
        continue;
      }
      const measures = of(tokens[j], 'measure').map((m) => m.measure);
      if (measures.length === 0) {
        if (entities.length > 0)
          throw clarify(
            `"${word} ${tokens[j]!.text}": do you mean the number of ${tokens[j]!.text} or their revenue?`,
          );
        throw clarify(`${k === 'avg' ? 'Average' : 'Total'} of what? ${vocabulary(model)}`);
      }
      setPending({ agg: k === 'avg' ? 'avg' : 'sum', measures, text: tokens[j]!.text });
      consumed.add(j);
      continue;
    }
    if (k === 'top' || k === 'bottom') {
      const j = next(i);
      const num = tokens[j];
      if (num?.k !== 'num' || num.n < 1)
        throw clarify(
          `${k === 'top' ? 'Top' : 'Bottom'} how many? For example: top 5 customers by revenue.`,
        );
      const g = groupOf(tokens[next(j)]);
      if (g === undefined || g.kind === 'grain')
        throw clarify(`Top ${num.n} of what? For example: top ${num.n} customers by revenue.`);
      if (top !== undefined) throw fail('the offline translator takes one top-N per question');
      top = { n: num.n, dir: k === 'top' ? 'desc' : 'asc' };
      groups.unshift(g);
      consumed.add(j).add(next(j));
      continue;
    }
    if (k === 'by') {
      let j = next(i);
      if (kw(tokens[j]) === 'count') {
        const e = next(j);
        const entities = of(tokens[e], 'entity').map((m) => m.entity);
        if (entities.length === 0) throw clarify('By the number of what?');
        setMetric({ kind: 'count', entity: one(entities, tokens[e]!.text, entityName) });
        consumed.add(j).add(e);
        continue;
      }
      const measures = of(tokens[j], 'measure').map((m) => m.measure);
      if (measures.length > 0) {
        setPending({ agg: 'sum', measures, text: tokens[j]!.text });
        consumed.add(j);
        continue;
      }
      const entities = of(tokens[j], 'entity').map((m) => m.entity);
      if (
        pending?.agg === 'avg' &&
        perEntity === undefined &&
        entities.length > 0 &&
        tokens[i]!.text === 'per'
      ) {
        perEntity = one(entities, tokens[j]!.text, entityName);
        consumed.add(j);
        continue;
      }
      for (;;) {
        const g = groupOf(tokens[j]);
        if (g === undefined) throw clarify(`"${token.text}" what? ${vocabulary(model)}`);
        groups.push(g);
        consumed.add(j);
        const after = next(j);
        if (kw(tokens[after]) !== 'and' || groupOf(tokens[next(after)]) === undefined) break;
        consumed.add(after);
        j = next(after);
      }
      continue;
    }
    const measures = of(token, 'measure').map((m) => m.measure);
    if (measures.length > 0) {
      if (kw(tokens[next(i)]) === 'count')
        throw clarify(`"${word} count": do you mean the number of order lines?`);
      setPending({ agg: 'sum', measures, text: word });
      continue;
    }
    const grains = of(token, 'grain');
    if (grains.length > 0) {
      groups.push({ kind: 'grain', grain: grains[0]!.grain });
      continue;
    }
    const entities = of(token, 'entity').map((m) => m.entity);
    if (entities.length > 0 && kw(tokens[next(i)]) === 'count') {
      setMetric({ kind: 'count', entity: one(entities, word, entityName) });
      consumed.add(next(i));
      continue;
    }
    if (k === 'value') throw clarify('The value of what? For example: average order value.');
    throw clarify(
      `How does "${word}" fit in? Group with "by ${word}", or filter with a value such as "in <value>".`,
    );
  }

  metric ??= resolvePending(pending, perEntity);
  if (metric === undefined) throw clarify(`What should I measure? ${vocabulary(model)}`);
  if (top !== undefined && groups.length === 0) throw clarify('Top what?');
  if (groups.filter((g) => g.kind === 'grain').length > 1)
    throw fail('the offline translator groups by one time grain at a time');
  return {
    metric,
    groups,
    filters,
    ...(window === undefined ? {} : { window }),
    ...(top === undefined ? {} : { top }),
  };
}

function resolvePending(
  pending: Pending | undefined,
  perEntity: EntityDef | undefined,
): Metric | undefined {
  if (pending === undefined) return undefined;
  const { agg, measures, text } = pending;
  if (agg === 'sum' || perEntity !== undefined) {
    const additive = measures.filter((m) => m.additive);
    if (additive.length === 0)
      throw clarify(`"${text}" can be averaged but not added up: ask for the average ${text}.`);
    const measure = one(additive, text, measureName);
    return perEntity === undefined
      ? { kind: 'sum', measure }
      : { kind: 'per', measure, entity: perEntity, valueOf: false };
  }
  const measure = one(measures, text, measureName);
  if (measure.additive)
    throw clarify(
      `Average ${text} per what? For example: average ${text} per order, or per customer.`,
    );
  return { kind: 'avg', measure };
}

function vocabulary(model: SemanticModel): string {
  const measures = [...new Set(model.measures.map((m) => m.alias.replace(/_/g, ' ')))];
  const groups = [
    ...model.entities.filter((e) => e.label !== undefined).map((e) => e.singular),
    ...model.dimensions
      .filter((d) => !model.entities.some((e) => e.table === d.table && e.label === d.column))
      .map((d) => d.alias.replace(/_/g, ' ')),
  ];
  return `I know measures ${measures.join(', ')}; groupings ${[...new Set(groups)].join(', ')}, month, quarter, year.`;
}
