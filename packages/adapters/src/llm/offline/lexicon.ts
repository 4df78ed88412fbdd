// The offline translator's lexicon and tokenizer. Known text values (longest first) and time
// windows are recognized in the raw question first; the rest is split into stemmed words and
// matched, longest phrase first, against the schema's names (entities, dimensions, measures),
// the grammar's keywords and a stopword list. A word in none of them stays `unknown` (the
// translator then asks instead of guessing); words for operations it does not support
// (comparisons, growth, medians, writes…) are `unsupported`.
import { stem, words } from '../schema-slice.js';
import type { DimensionDef, EntityDef, MeasureDef, SemanticModel, ValueRef } from './model.js';
import { findTimeWindows, parseCount } from './time-window.js';
import type { DateWindow } from './time-window.js';

export type Grain = 'day' | 'month' | 'quarter' | 'year';
export type Keyword = 'count' | 'avg' | 'total' | 'top' | 'bottom' | 'by' | 'and' | 'value';

export type Meaning =
  | { t: 'entity'; entity: EntityDef }
  | { t: 'dim'; dim: DimensionDef }
  | { t: 'measure'; measure: MeasureDef }
  | { t: 'grain'; grain: Grain }
  | { t: 'kw'; kw: Keyword };

export type Token =
  | { k: 'value'; text: string; refs: ValueRef[] }
  | { k: 'time'; text: string; window: DateWindow }
  | { k: 'num'; text: string; n: number }
  | { k: 'word'; text: string; meanings: Meaning[] }
  | { k: 'unknown'; text: string }
  | { k: 'unsupported'; text: string };

const KEYWORDS: Readonly<Record<string, Keyword>> = {
  'how many': 'count', 'number of': 'count', 'count of': 'count', count: 'count',
  'total number of': 'count', 'how much': 'total',
  average: 'avg', avg: 'avg', mean: 'avg',
  total: 'total', sum: 'total', 'sum of': 'total', overall: 'total',
  top: 'top', bottom: 'bottom',
  by: 'by', per: 'by', each: 'by', 'for each': 'by', every: 'by', 'for every': 'by',
  'broken down by': 'by', 'split by': 'by', 'grouped by': 'by', 'group by': 'by', 'breakdown by': 'by',
  and: 'and', or: 'and',
  value: 'value',
}; // prettier-ignore

const GRAINS: Readonly<Record<string, Grain>> = {
  day: 'day', daily: 'day', date: 'day',
  month: 'month', monthly: 'month',
  quarter: 'quarter', quarterly: 'quarter',
  year: 'year', yearly: 'year', annual: 'year', annually: 'year',
}; // prettier-ignore

const STOPWORDS = `what whats which who show shows me give list tell get find display please is are was
  were be been being the a an of for in on at during from to our my we us i you all do does did have has
  had there their it its s that these those with made placed bought ordered sold generated brought
  earned much did across whole entire can could would like know see report figure figures amount
  distinct unique different data database table current so far up broken down`;

const UNSUPPORTED = `not without except excluding exclude more less greater fewer than above below over
  under between growth grow grew change changed increase increased decrease decreased compare
  compared comparison versus vs ratio percent percentage share median mode percentile stddev
  variance cumulative running rank ranking delete drop update insert remove create alter truncate
  predict forecast why trend min minimum max maximum highest lowest most least first last
  previous next largest smallest biggest best worst`;

const stems = (list: string): Set<string> => new Set(list.split(/\s+/).filter(Boolean).map(stem));
const STOP = stems(STOPWORDS);
const NOT_SUPPORTED = stems(UNSUPPORTED);

/** Phrase (stemmed words joined by spaces) → meanings, for one model. */
export type Lexicon = Map<string, Meaning[]>;

function add(lex: Lexicon, phrase: string, meaning: Meaning): void {
  const key = words(phrase).join(' ');
  if (key === '') return;
  const list = lex.get(key) ?? [];
  list.push(meaning);
  lex.set(key, list);
}

/** Human words of a column name (`unit_price` → `unit price`). */
function human(name: string): string {
  return name
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .trim();
}

/** The lexicon of a model: its names, the keywords and the grains. */
export function buildLexicon(model: SemanticModel): Lexicon {
  const lex: Lexicon = new Map();
  for (const [phrase, kw] of Object.entries(KEYWORDS)) add(lex, phrase, { t: 'kw', kw });
  for (const [phrase, grain] of Object.entries(GRAINS)) add(lex, phrase, { t: 'grain', grain });
  for (const entity of model.entities) {
    add(lex, entity.singular, { t: 'entity', entity });
  }
  for (const dim of model.dimensions) {
    const entity = model.entities.find((e) => e.table === dim.table)!;
    const col = human(dim.column);
    if (dim.column === entity.label) {
      add(lex, `${entity.singular} ${col}`, { t: 'dim', dim });
      add(lex, col, { t: 'dim', dim });
      continue;
    }
    add(lex, col, { t: 'dim', dim });
    if (!col.startsWith(entity.singular)) add(lex, `${entity.singular} ${col}`, { t: 'dim', dim });
  }
  for (const measure of model.measures) {
    const entity = model.entities.find((e) => e.table === measure.table)!;
    if (measure.alias === 'revenue' && measure.columns.length > 1) {
      for (const p of [
        'revenue',
        'sales',
        'turnover',
        'net sales',
        'sales amount',
        'sales revenue',
      ])
        add(lex, p, { t: 'measure', measure });
      add(lex, `${entity.singular} revenue`, { t: 'measure', measure });
      continue;
    }
    const col = human(measure.columns[0]!);
    const names = new Set([col, `${entity.singular} ${col}`]);
    const parts = col.split(' ');
    if (parts.length > 1) {
      names.add(parts[parts.length - 1]!);
      names.add(`${entity.singular} ${parts[parts.length - 1]!}`);
    }
    if (/^(quantity|qty|units)$/.test(measure.columns[0]!.toLowerCase()))
      for (const p of [
        'quantity',
        'units',
        'units sold',
        'items sold',
        'quantity sold',
        'number of units',
      ])
        names.add(p);
    for (const n of names) add(lex, n, { t: 'measure', measure });
  }
  return lex;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Span {
  start: number;
  end: number;
  token: Token;
}

/** Spans of known values in the lower-cased text, longest value first, no overlaps. */
function valueSpans(text: string, model: SemanticModel): Span[] {
  const spans: Span[] = [];
  const keys = [...model.values.keys()]
    .filter((k) => k.length >= 2)
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  for (const key of keys) {
    if (!text.includes(key)) continue;
    const re = new RegExp(`(?<![a-z0-9])${escape(key)}(?![a-z0-9])`, 'g');
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index;
      const end = start + key.length;
      if (spans.some((s) => start < s.end && end > s.start)) continue;
      spans.push({ start, end, token: { k: 'value', text: key, refs: model.values.get(key)! } });
    }
  }
  return spans;
}

/** Tokenize a question. `anchorDate` undefined: time phrases are left as words (and unknown). */
export function tokenize(
  question: string,
  model: SemanticModel,
  lex: Lexicon,
  anchorDate: string | undefined,
): Token[] {
  const text = question.toLowerCase().replace(/[’`]/g, "'");
  const spans = valueSpans(text, model);
  if (anchorDate !== undefined)
    for (const w of findTimeWindows(text, anchorDate))
      if (!spans.some((s) => w.start < s.end && w.end > s.start))
        spans.push({
          start: w.start,
          end: w.end,
          token: { k: 'time', text: text.slice(w.start, w.end), window: w.window },
        });
  spans.sort((a, b) => a.start - b.start);
  const tokens: Token[] = [];
  let at = 0;
  for (const span of [...spans, { start: text.length, end: text.length, token: undefined }]) {
    tokens.push(...wordTokens(text.slice(at, span.start), lex));
    if (span.token !== undefined) tokens.push(span.token);
    at = span.end;
  }
  return tokens;
}

const MAX_PHRASE = 4;

function wordTokens(text: string, lex: Lexicon): Token[] {
  const raw = text.match(/[a-z0-9]+/g) ?? [];
  const stemmed = raw.map(stem);
  const out: Token[] = [];
  for (let i = 0; i < raw.length;) {
    let matched = false;
    for (let len = Math.min(MAX_PHRASE, raw.length - i); len >= 1 && !matched; len--) {
      const meanings = lex.get(stemmed.slice(i, i + len).join(' '));
      if (meanings === undefined) continue;
      out.push({ k: 'word', text: raw.slice(i, i + len).join(' '), meanings });
      i += len;
      matched = true;
    }
    if (matched) continue;
    const word = raw[i]!;
    const n = parseCount(word);
    if (n !== undefined) out.push({ k: 'num', text: word, n });
    else if (NOT_SUPPORTED.has(stemmed[i]!)) out.push({ k: 'unsupported', text: word });
    else if (!STOP.has(stemmed[i]!)) out.push({ k: 'unknown', text: word });
    i += 1;
  }
  return out;
}
