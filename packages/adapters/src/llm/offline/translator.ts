// The offline NL→SQL translator: deterministic and schema-aware, for the documented family of
// questions in README.md. Built once per schema (model + lexicon), then `translate()` is pure
// string work: tokens → structured query → SQL, or a clarifying question, or an error. It never
// guesses: anything it cannot map precisely is `clarify` or `error`.
import { ErrorCode, TroupeError } from '@troupe/core';
import type { SqlClient } from '../../sql/client.js';
import type { SqlDialect } from '../../sql/dialect.js';
import { isTextType } from '../../sql/introspect/types.js';
import type { SchemaInfo } from '../../sql/introspect/types.js';
import type { Nl2SqlResult } from '../nl2sql-prompt.js';
import { buildLexicon, tokenize } from './lexicon.js';
import { buildModel } from './model.js';
import type { SemanticModel } from './model.js';
import { parseQuestion } from './parse.js';
import { buildSql } from './sql.js';
import { findTimeWindows, isDay } from './time-window.js';

export interface OfflineTranslatorOptions {
  /**
   * Distinct values of text columns, keyed `table.column`, matched against the question for
   * filters ("in the North region"). Default: the introspection's sample values only.
   * `discoverTranslatorInputs()` reads them from a database.
   */
  values?: Readonly<Record<string, readonly string[]>>;
  /**
   * "Today" for relative windows (`YYYY-MM-DD`), e.g. the last date in the data. Default: none,
   * and a question with a time window is an error that says so.
   */
  anchorDate?: string;
  /** Longest question accepted, in characters. Default 500. */
  maxQuestionLength?: number;
}

/** Default longest question, in characters. */
export const DEFAULT_MAX_QUESTION_LENGTH = 500;

export interface OfflineTranslator {
  /** The model discovered from the schema (measures, dimensions, dates, keys). */
  readonly model: SemanticModel;
  translate(question: string, dialect: SqlDialect): Nl2SqlResult;
}

function invalid(field: string, message: string): TroupeError {
  return new TroupeError(ErrorCode.InvalidOption, `${field} ${message}`, {
    data: { field },
    retryable: false,
  });
}

/** Build the translator for one introspected schema. */
export function createOfflineTranslator(
  schema: SchemaInfo,
  options: OfflineTranslatorOptions = {},
): OfflineTranslator {
  const anchor = options.anchorDate;
  if (anchor !== undefined && !isDay(anchor))
    throw invalid('anchorDate', `must be a date YYYY-MM-DD, got ${JSON.stringify(anchor)}`);
  const maxLength = options.maxQuestionLength ?? DEFAULT_MAX_QUESTION_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < 1)
    throw invalid('maxQuestionLength', `must be an integer >= 1, got ${maxLength}`);
  const model = buildModel(schema, options.values);
  const lexicon = buildLexicon(model);

  function translate(question: string, dialect: SqlDialect): Nl2SqlResult {
    const text = question.trim();
    if (text === '') return { kind: 'error', reason: 'the question is empty' };
    if (text.length > maxLength)
      return { kind: 'error', reason: `the question is longer than ${maxLength} characters` };
    if (anchor === undefined && findTimeWindows(text.toLowerCase(), '2000-01-01').length > 0)
      return {
        kind: 'error',
        reason:
          'the question has a time window but the translator has no anchor date (option anchorDate)',
      };
    const parsed = parseQuestion(tokenize(text, model, lexicon, anchor), model);
    if (!parsed.ok) return parsed.result;
    return buildSql(model, parsed.query, dialect);
  }

  return { model, translate };
}

export interface TranslatorInputs {
  values: Record<string, string[]>;
  /** The latest date in the data (max over every date column), if any. */
  anchorDate?: string;
}

/** Default most distinct values read per text column. */
export const DEFAULT_MAX_VALUES = 1000;

function toDay(value: unknown): string | undefined {
  if (value instanceof Date) {
    const pad = (n: number): string => String(n).padStart(2, '0');
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  return undefined;
}

/**
 * Read what the translator matches against from a database through the trusted `raw` knex
 * (platform code): the distinct values of every text column (columns with more than
 * `maxValues` distinct values are left out: they are names, not categories) and the latest date.
 */
export async function discoverTranslatorInputs(
  client: Pick<SqlClient, 'raw'>,
  schema: SchemaInfo,
  options: { maxValues?: number } = {},
): Promise<TranslatorInputs> {
  const maxValues = options.maxValues ?? DEFAULT_MAX_VALUES;
  const values: Record<string, string[]> = {};
  let anchor: string | undefined;
  for (const table of schema.tables) {
    for (const column of table.columns) {
      const isKey =
        table.primaryKey.includes(column.name) ||
        table.foreignKeys.some((f) => f.columns.includes(column.name));
      if (
        /date|time/i.test(column.type) &&
        !/int|real|float|double|numeric|decimal/i.test(column.type)
      ) {
        const rows: { v: unknown }[] = await client.raw(table.name).max({ v: column.name });
        const day = toDay(rows[0]?.v);
        if (day !== undefined && (anchor === undefined || day > anchor)) anchor = day;
        continue;
      }
      if (isKey || !isTextType(column.type)) continue;
      const rows = (await client
        .raw(table.name)
        .distinct({ v: column.name })
        .whereNotNull(column.name)
        .orderBy(column.name)
        .limit(maxValues + 1)) as { v: unknown }[];
      if (rows.length > maxValues) continue;
      values[`${table.name}.${column.name}`] = rows.map((r) => String(r.v));
    }
  }
  return { values, ...(anchor === undefined ? {} : { anchorDate: anchor }) };
}
