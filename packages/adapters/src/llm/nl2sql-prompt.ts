// The NL→SQL prompt and the parser of its answer. The prompt asks for exactly one read-only
// SELECT in the connection's dialect over a schema slice (tables, columns, keys, sample
// values), or a CLARIFY / CANNOT line instead of a guess; a repair round adds the previous SQL
// and the database's error. The parser accepts the shapes models actually produce: a fenced
// ```sql block, JSON `{ "sql": … }`, bare SQL, or the CLARIFY / CANNOT lines.
import type { SqlDialect } from '../sql/dialect.js';
import type { SchemaInfo, TableInfo } from '../sql/introspect/types.js';
import type { ChatMessage } from './types.js';

/** What a translator (the LLM path or the offline one) answers. */
export type Nl2SqlResult =
  | { kind: 'sql'; sql: string }
  | { kind: 'clarify'; ask: string }
  | { kind: 'error'; reason: string };

/** The previous attempt, for a repair round. */
export interface RepairContext {
  /** The SQL that failed. */
  sql: string;
  /** The database's (or guard's) error message. */
  error: string;
  /** The error code (e.g. SQL_ERROR) and kind (`unknown-column`, `syntax`…), when known. */
  code?: string;
}

export interface Nl2SqlPromptInput {
  question: string;
  dialect: SqlDialect;
  /** The schema slice (see selectSchemaSlice). */
  schema: SchemaInfo;
  /** Set on a repair round. */
  repair?: RepairContext;
  /** "Today" for relative dates (`YYYY-MM-DD`), e.g. the last date in the data. Default: not stated. */
  anchorDate?: string;
  /** Rows the answer may return at most (stated so the model adds ORDER BY … LIMIT). Default: not stated. */
  rowLimit?: number;
}

const DIALECT_NAMES: Readonly<Record<SqlDialect, string>> = {
  sqlite: 'SQLite',
  postgresql: 'PostgreSQL',
  mysql: 'MySQL',
};

const DATE_HINTS: Readonly<Record<SqlDialect, string>> = {
  sqlite: "dates are ISO text: use strftime('%Y-%m', col), date(col, '-3 months')",
  postgresql: "use date_trunc('month', col), to_char(col, 'YYYY-MM'), col - interval '3 months'",
  mysql: "use DATE_FORMAT(col, '%Y-%m'), DATE_SUB(col, INTERVAL 3 MONTH)",
};

function describeTable(table: TableInfo): string {
  const fks = new Map<string, string>();
  for (const fk of table.foreignKeys)
    fk.columns.forEach((c, i) => fks.set(c, `${fk.refTable}.${fk.refColumns[i] ?? '?'}`));
  const columns = table.columns.map((c) => {
    const parts = [`  ${c.name} ${c.type || 'any'}`];
    if (table.primaryKey.includes(c.name)) parts.push('PRIMARY KEY');
    const ref = fks.get(c.name);
    if (ref !== undefined) parts.push(`REFERENCES ${ref}`);
    if (!c.nullable) parts.push('NOT NULL');
    const samples = c.samples?.length
      ? ` -- e.g. ${c.samples.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ')}`
      : '';
    return `${parts.join(' ')}${samples}`;
  });
  return `${table.kind === 'view' ? 'VIEW' : 'TABLE'} ${table.name} (\n${columns.join(',\n')}\n)`;
}

/** The schema slice as compact DDL with sample values in comments. */
export function describeSchema(schema: SchemaInfo): string {
  return schema.tables.map(describeTable).join('\n');
}

/** The chat messages asking for one read-only SELECT (or CLARIFY / CANNOT). */
export function buildNl2SqlMessages(input: Nl2SqlPromptInput): ChatMessage[] {
  const dialect = DIALECT_NAMES[input.dialect];
  const rules = [
    `You translate a question into exactly ONE read-only ${dialect} SELECT statement (WITH … SELECT is fine) over the schema below.`,
    'Use only the tables and columns listed; join on the REFERENCES keys; match text values as the samples spell them.',
    `Dates: ${DATE_HINTS[input.dialect]}.`,
    'Give result columns short snake_case aliases. Round money to 2 decimals. Order the rows meaningfully.',
    ...(input.rowLimit === undefined ? [] : [`Return at most ${input.rowLimit} rows.`]),
    ...(input.anchorDate === undefined
      ? []
      : [
          `Today is ${input.anchorDate}: relative periods ("last quarter", "this year") are relative to it.`,
        ]),
    'Never write INSERT, UPDATE, DELETE, DDL, PRAGMA or more than one statement.',
    'Answer with the SQL in one ```sql fenced block and nothing else.',
    'If the question is ambiguous or names something the schema does not have, answer one line `CLARIFY: <question to the user>`.',
    'If it cannot be answered from this schema at all, answer one line `CANNOT: <reason>`.',
  ];
  const user = [`Schema:\n${describeSchema(input.schema)}`, `Question: ${input.question.trim()}`];
  if (input.repair !== undefined)
    user.push(
      `Your previous SQL failed.\nSQL:\n${input.repair.sql}\nError${input.repair.code === undefined ? '' : ` (${input.repair.code})`}: ${input.repair.error}\nFix it and answer again, following the same rules.`,
    );
  return [
    { role: 'system', content: rules.join('\n') },
    { role: 'user', content: user.join('\n\n') },
  ];
}

function cleanSql(sql: string): string {
  return sql.trim().replace(/;\s*$/, '').trim();
}

function fromJson(text: string): Nl2SqlResult | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.sql === 'string' && v.sql.trim() !== '')
    return { kind: 'sql', sql: cleanSql(v.sql) };
  for (const key of ['clarify', 'ask', 'question'])
    if (typeof v[key] === 'string') return { kind: 'clarify', ask: String(v[key]).trim() };
  for (const key of ['cannot', 'error', 'reason'])
    if (typeof v[key] === 'string') return { kind: 'error', reason: String(v[key]).trim() };
  return undefined;
}

/** Parse a model's answer into SQL, a clarifying question, or an error. */
export function parseNl2SqlAnswer(content: string): Nl2SqlResult {
  const text = content.trim();
  if (text === '') return { kind: 'error', reason: 'the model answered nothing' };
  const json = fromJson(text);
  if (json !== undefined) return json;
  const fence = /```([a-zA-Z]*)[ \t]*\r?\n([\s\S]*?)```/.exec(text);
  if (fence !== null) {
    const lang = (fence[1] ?? '').toLowerCase();
    const body = fence[2] ?? '';
    const inner = lang === 'json' ? fromJson(body.trim()) : undefined;
    if (inner !== undefined) return inner;
    if (lang !== 'json' && cleanSql(body) !== '') return { kind: 'sql', sql: cleanSql(body) };
  }
  const line = /^\s*(CLARIFY|CANNOT)\s*:\s*(.+)$/im.exec(text);
  if (line !== null) {
    const said = line[2]!.trim();
    return line[1]!.toUpperCase() === 'CLARIFY'
      ? { kind: 'clarify', ask: said }
      : { kind: 'error', reason: said };
  }
  if (/^(select|with)\b/i.test(text)) return { kind: 'sql', sql: cleanSql(text) };
  return { kind: 'error', reason: `the model's answer holds no SQL: ${text.slice(0, 200)}` };
}
