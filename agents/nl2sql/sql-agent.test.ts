// sql-agent against the sample database: the offline translator's SQL, clarification and error
// answers, the question kept in the workspace, the LLM path (schema slice and repair context in
// the prompt, fenced SQL parsed), and refusals of what the offline provider cannot do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryWorkspace, ErrorCode, runHandler } from '@troupe/core';
import type { LlmCapability, LlmMessage } from '@troupe/core';
import { createSqlConnection } from '@troupe/adapters';
import type { SqlClient } from '@troupe/adapters';
import { WS } from './lib/events.js';
import { sampleWarehouse } from './lib/test-db.js';
import handler from './sql-agent.js';

let db: SqlClient;
const offline: LlmCapability = {
  model: 'offline',
  baseUrl: 'offline',
  offline: true,
  chat: () => Promise.reject(new Error('offline has no chat')),
};
const EMITS = ['SQLGenerated', 'ClarificationRequested', 'SQLGenerationError'];

beforeAll(async () => {
  db = await sampleWarehouse();
});
afterAll(async () => {
  await db.close();
});

function fakeLlm(answer: string): LlmCapability & { seen: LlmMessage[][] } {
  const seen: LlmMessage[][] = [];
  return {
    seen,
    model: 'fake',
    baseUrl: 'http://fake',
    offline: false,
    chat: (messages) => {
      seen.push([...messages]);
      return Promise.resolve({ content: answer });
    },
  };
}

describe('sql-agent, offline provider', () => {
  it('translates the demo question and keeps it in the workspace', async () => {
    const workspace = createMemoryWorkspace('c1');
    const { emitted, error } = await runHandler(handler, {
      type: 'QueryReceived',
      data: { question: '  total sales by region last quarter ' },
      sql: { warehouse: db },
      llm: { llm: offline },
      workspace,
      emits: EMITS,
      timeoutMs: 20_000,
    });
    expect(error).toBeUndefined();
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({
      type: 'SQLGenerated',
      data: { question: 'total sales by region last quarter', dialect: 'sqlite' },
    });
    const sql = (emitted[0]!.data as { sql: string }).sql;
    expect(sql).toMatch(/'2026-04-01'/);
    expect((await db.select(sql)).rowCount).toBe(5);
    expect((await workspace.get(WS.question))?.value).toEqual({
      question: 'total sales by region last quarter',
    });
  });

  it('asks for a clarification instead of guessing', async () => {
    const { emitted } = await runHandler(handler, {
      type: 'QueryReceived',
      data: { question: 'top customers by revenue' },
      sql: { warehouse: db },
      llm: { llm: offline },
    });
    expect(emitted).toEqual([
      {
        type: 'ClarificationRequested',
        data: { question: 'top customers by revenue', ask: expect.stringMatching(/Top how many/) },
      },
    ]);
  });

  it('answers SQLGenerationError for what it cannot map, and for an empty question', async () => {
    const { emitted } = await runHandler(handler, {
      type: 'QueryReceived',
      data: { question: 'revenue and units sold by region' },
      sql: { warehouse: db },
      llm: { llm: offline },
    });
    expect(emitted[0]?.type).toBe('SQLGenerationError');
    const empty = await runHandler(handler, {
      type: 'QueryReceived',
      data: { question: '   ' },
      sql: { warehouse: db },
      llm: { llm: offline },
    });
    expect(empty.emitted).toEqual([
      { type: 'SQLGenerationError', data: { question: '', reason: 'the question is empty' } },
    ]);
  });

  it('cannot repair: the offline translator would give the same SQL again', async () => {
    const { emitted } = await runHandler(handler, {
      type: 'SQLRepairRequested',
      data: {
        question: 'q',
        sql: 'SELECT x',
        error: 'no such column: x',
        code: 'SQL_ERROR',
        attempt: 1,
      },
      sql: { warehouse: db },
      llm: { llm: offline },
    });
    expect(emitted).toEqual([
      {
        type: 'SQLGenerationError',
        data: {
          question: 'q',
          reason: 'the offline translator cannot repair its SQL (no such column: x)',
        },
      },
    ]);
  });

  it('fails with CAPABILITY_UNAVAILABLE when the agent lacks its connections', async () => {
    const { error } = await runHandler(handler, {
      type: 'QueryReceived',
      data: { question: 'revenue by region' },
      llm: { llm: offline },
    });
    expect(error).toMatchObject({ code: ErrorCode.CapabilityUnavailable });
  });

  it('a missing SQLite file is a non-retryable error that says how to create the sample', async () => {
    const missing = createSqlConnection({
      type: 'sql',
      client: 'sqlite',
      connection: { filename: '/nonexistent-dir-troupe/sales.db' },
      readOnly: true,
    });
    try {
      const { error } = await runHandler(handler, {
        type: 'QueryReceived',
        data: { question: 'revenue by region' },
        sql: { warehouse: missing },
        llm: { llm: offline },
      });
      expect(error).toMatchObject({ code: ErrorCode.NonRetryable, retryable: false });
      expect((error as Error).message).toMatch(/^connection warehouse: .*open database.*pnpm demo/);
    } finally {
      await missing.close();
    }
  });
});

describe('sql-agent, LLM path', () => {
  it('prompts with the schema slice and the anchor date, and parses fenced SQL', async () => {
    const llm = fakeLlm('```sql\nSELECT name FROM regions;\n```');
    const { emitted } = await runHandler(handler, {
      type: 'QueryReceived',
      data: { question: 'revenue by region' },
      sql: { warehouse: db },
      llm: { llm },
    });
    expect(emitted).toEqual([
      {
        type: 'SQLGenerated',
        data: { question: 'revenue by region', sql: 'SELECT name FROM regions', dialect: 'sqlite' },
      },
    ]);
    const prompt = llm.seen[0]!.map((m) => m.content).join('\n');
    expect(prompt).toMatch(/TABLE regions/);
    expect(prompt).toMatch(/Today is 2026-09-30/);
    expect(prompt).toMatch(/at most 1000 rows/);
  });

  it('a repair round sends the failed SQL and the error, and does not overwrite the question', async () => {
    const workspace = createMemoryWorkspace('c2');
    await workspace.put(WS.question, { question: 'original' });
    const llm = fakeLlm('SELECT name FROM regions');
    const { emitted } = await runHandler(handler, {
      type: 'SQLRepairRequested',
      data: {
        question: 'revenue by region',
        sql: 'SELECT nme FROM regions',
        error: 'no such column: nme',
        code: 'SQL_ERROR',
        kind: 'unknown-column',
        attempt: 1,
      },
      sql: { warehouse: db },
      llm: { llm },
      workspace,
    });
    expect(emitted[0]).toMatchObject({
      type: 'SQLGenerated',
      data: { sql: 'SELECT name FROM regions' },
    });
    const user = llm.seen[0]![1]!.content;
    expect(user).toMatch(
      /Your previous SQL failed\.\nSQL:\nSELECT nme FROM regions\nError \(SQL_ERROR: unknown-column\): no such column: nme/,
    );
    expect((await workspace.get(WS.question))?.value).toEqual({ question: 'original' });
  });

  it('maps CLARIFY / CANNOT answers', async () => {
    const clarify = await runHandler(handler, {
      type: 'QueryReceived',
      data: { question: 'sales' },
      sql: { warehouse: db },
      llm: { llm: fakeLlm('CLARIFY: which period?') },
    });
    expect(clarify.emitted[0]).toEqual({
      type: 'ClarificationRequested',
      data: { question: 'sales', ask: 'which period?' },
    });
    const cannot = await runHandler(handler, {
      type: 'QueryReceived',
      data: { question: 'weather' },
      sql: { warehouse: db },
      llm: { llm: fakeLlm('CANNOT: no weather data') },
    });
    expect(cannot.emitted[0]).toEqual({
      type: 'SQLGenerationError',
      data: { question: 'weather', reason: 'no weather data' },
    });
  });
});
