// The NL→SQL prompt (dialect, schema slice as DDL with keys and samples, anchor date, row
// limit, repair context) and the answer parser over the shapes models produce: fenced SQL,
// JSON, bare SQL, CLARIFY / CANNOT lines, and answers with no SQL at all.
import { describe, expect, it } from 'vitest';
import { buildNl2SqlMessages, describeSchema, parseNl2SqlAnswer } from './nl2sql-prompt.js';
import { selectSchemaSlice } from './schema-slice.js';
import { salesSchema } from './testing/sales-schema.js';

describe('buildNl2SqlMessages', () => {
  const schema = selectSchemaSlice(salesSchema(), 'total sales by region');

  it('asks for one read-only SELECT in the dialect over the slice, with keys and samples', () => {
    const [system, user] = buildNl2SqlMessages({
      question: ' total sales by region ',
      dialect: 'postgresql',
      schema,
      anchorDate: '2026-09-30',
      rowLimit: 100,
    });
    expect(system!.role).toBe('system');
    expect(system!.content).toContain('ONE read-only PostgreSQL SELECT');
    expect(system!.content).toContain("date_trunc('month', col)");
    expect(system!.content).toContain('Today is 2026-09-30');
    expect(system!.content).toContain('at most 100 rows');
    expect(system!.content).toContain('CLARIFY:');
    expect(user!.content).toContain('Question: total sales by region');
    expect(user!.content).toContain('region_id integer REFERENCES regions.id NOT NULL');
    expect(user!.content).toContain("-- e.g. 'East', 'North', 'South'");
    expect(user!.content).not.toContain('audit_log');
    expect(user!.content).not.toContain('previous SQL');
  });

  it('a repair round carries the failed SQL and the error', () => {
    const messages = buildNl2SqlMessages({
      question: 'q',
      dialect: 'sqlite',
      schema,
      repair: { sql: 'SELECT nme FROM regions', error: 'no such column: nme', code: 'SQL_ERROR' },
    });
    expect(messages[0]!.content).toContain('SQLite');
    expect(messages[0]!.content).not.toContain('Today is');
    expect(messages[1]!.content).toContain(
      'Your previous SQL failed.\nSQL:\nSELECT nme FROM regions\nError (SQL_ERROR): no such column: nme',
    );
  });

  it('describeSchema quotes sample values safely', () => {
    const s = salesSchema();
    s.tables[4]!.columns[1]!.samples = ["O'Hare"];
    expect(describeSchema({ ...s, tables: [s.tables[4]!] })).toContain("'O''Hare'");
  });
});

describe('parseNl2SqlAnswer', () => {
  it.each([
    ['```sql\nSELECT 1;\n```', 'SELECT 1'],
    ['Here you go:\n```SQL\nSELECT a\nFROM t\n```\nThis sums…', 'SELECT a\nFROM t'],
    ['```\nWITH x AS (SELECT 1) SELECT * FROM x\n```', 'WITH x AS (SELECT 1) SELECT * FROM x'],
    ['{"sql": "SELECT 2;"}', 'SELECT 2'],
    ['```json\n{"sql": "SELECT 3"}\n```', 'SELECT 3'],
    ['select * from t;', 'select * from t'],
  ])('%j → sql', (answer, sql) => {
    expect(parseNl2SqlAnswer(answer)).toEqual({ kind: 'sql', sql });
  });

  it.each([
    ['CLARIFY: Which region do you mean?', { kind: 'clarify', ask: 'Which region do you mean?' }],
    ['Hmm.\nclarify: by month or by quarter?', { kind: 'clarify', ask: 'by month or by quarter?' }],
    ['CANNOT: there is no salary data', { kind: 'error', reason: 'there is no salary data' }],
    ['{"clarify": "Which year?"}', { kind: 'clarify', ask: 'Which year?' }],
    ['{"error": "no such data"}', { kind: 'error', reason: 'no such data' }],
  ])('%j → clarify / error', (answer, expected) => {
    expect(parseNl2SqlAnswer(answer)).toEqual(expected);
  });

  it('an empty answer, prose without SQL, or an empty fence are errors', () => {
    expect(parseNl2SqlAnswer('  ')).toEqual({
      kind: 'error',
      reason: 'the model answered nothing',
    });
    expect(parseNl2SqlAnswer('I think you should look at the sales table.')).toMatchObject({
      kind: 'error',
      reason: expect.stringContaining('holds no SQL') as unknown,
    });
    expect(parseNl2SqlAnswer('```sql\n\n```').kind).toBe('error');
    expect(parseNl2SqlAnswer('{"foo": 1}').kind).toBe('error');
  });
});
