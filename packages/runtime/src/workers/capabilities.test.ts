// Handler capabilities in real worker threads: ctx.sql on a granted SQLite connection (relative
// filename from the Connection's directory, reused across invocations, guard refusals keep their
// code), ctx.llm on the fake OpenAI server and the offline provider, ctx.workspace through the
// thread's own store, ctx.tools on the adapters' stdio fixture MCP server, and every refusal reason.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, ErrorCode } from '@troupe/core';
import type { LoadedManifest, SerializedError } from '@troupe/core';
import { startFakeOpenAiServer } from '@troupe/adapters';
import type { FakeOpenAiServer } from '@troupe/adapters';
import knexFactory from 'knex';
import { CapabilityRegistry, withCapabilities } from './capability-grants.js';
import type { HandlerOutcome, HandlerTask, TaskCapabilities, WorkerPool } from './contract.js';
import { makeTask } from './fixtures/make-task.js';
import { createWorkerPool } from './pool.js';

const tmp = mkdtempSync(join(tmpdir(), 'troupe-caps-'));
const MCP_SERVER = fileURLToPath(
  new URL('../../../adapters/src/mcp/fixtures/echo-server.mjs', import.meta.url),
);
let llm: FakeOpenAiServer;
let pool: WorkerPool;
let raw: WorkerPool;

function manifests(llmUrl: string): LoadedManifest[] {
  const at = { file: join(tmp, 'm.yaml'), line: 1, column: 1 };
  const doc = (manifest: unknown): LoadedManifest =>
    ({ manifest, location: at, file: at.file, projectRoot: tmp }) as LoadedManifest;
  return [
    doc({
      apiVersion: 'troupe.dev/v1',
      kind: 'Connection',
      metadata: { name: 'warehouse' },
      spec: {
        type: 'sql',
        client: 'sqlite',
        connection: { filename: 'db/sales.db' },
        readOnly: true,
      },
    }),
    doc({
      apiVersion: 'troupe.dev/v1',
      kind: 'Connection',
      metadata: { name: 'llm' },
      spec: { type: 'llm', baseUrl: llmUrl, model: 'fake' },
    }),
    doc({
      apiVersion: 'troupe.dev/v1',
      kind: 'Connection',
      metadata: { name: 'offline' },
      spec: { type: 'llm', baseUrl: 'offline', model: 'builtin' },
    }),
    doc({
      apiVersion: 'troupe.dev/v1',
      kind: 'Connection',
      metadata: { name: 'github' },
      spec: { type: 'mcp', transport: 'stdio', command: process.execPath, args: [MCP_SERVER] },
    }),
    doc({
      apiVersion: 'troupe.dev/v1',
      kind: 'Agent',
      metadata: { name: 'test-agent' },
      spec: {
        handler: 'x.ts',
        subscribe: [{ type: 'test.event' }],
        connections: ['warehouse', 'llm', 'offline', 'github', 'ghost'],
      },
    }),
  ];
}

beforeAll(async () => {
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(tmp, 'db', 'sales.db') },
    useNullAsDefault: true,
  });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(tmp, 'db'), { recursive: true });
  await db.schema.createTable('orders', (t) => {
    t.integer('id').primary();
    t.string('region');
    t.float('amount');
  });
  await db('orders').insert([
    { id: 1, region: 'North', amount: 10 },
    { id: 2, region: 'South', amount: 5 },
  ]);
  await db.destroy();
  llm = await startFakeOpenAiServer((req) => `echo ${req.messages.at(-1)?.content ?? ''}`);
  const registry = new CapabilityRegistry({ kind: 'sqlite', filename: join(tmp, 'ws', 'w.db') });
  registry.update(manifests(llm.baseUrl));
  // Pins of ctx.tools go to the temp dir (worker threads copy the environment at start).
  process.env.TROUPE_MCP_PINS = join(tmp, 'mcp-pins.json');
  raw = createWorkerPool({ threads: 1 });
  pool = withCapabilities(raw, registry);
});

afterAll(async () => {
  await pool.close(5000);
  await llm.close();
  rmSync(tmp, { recursive: true, force: true });
});

const ok = (o: HandlerOutcome | undefined) => {
  if (o === undefined || !o.ok) throw new Error(`expected success, got ${JSON.stringify(o)}`);
  return o.emissions.map((e) => e.data as Record<string, unknown>);
};
const failed = (o: HandlerOutcome | undefined): SerializedError => {
  if (o === undefined || o.ok) throw new Error(`expected a failure, got ${JSON.stringify(o)}`);
  return o.error;
};
const run = async (data: unknown, overrides: Partial<HandlerTask> = {}) =>
  (await pool.run([makeTask('capabilities', data, overrides)]))[0];

describe('ctx.sql', () => {
  it('reads through the guard, from the filename relative to the Connection file, and reuses the client', async () => {
    const sql = 'SELECT region, amount FROM orders ORDER BY id';
    const [first] = ok(await run({ op: 'sql', sql }));
    expect(first).toMatchObject({
      columns: ['region', 'amount'],
      rows: [
        { region: 'North', amount: 10 },
        { region: 'South', amount: 5 },
      ],
      rowCount: 2,
      truncated: false,
      reused: false,
      dialect: 'sqlite',
      readOnly: true,
    });
    const [second] = ok(await run({ op: 'sql', sql }));
    expect(second?.reused).toBe(true);
  });

  it('a refused statement keeps SQL_REFUSED across the thread boundary and the DB is untouched', async () => {
    const e = failed(await run({ op: 'guard', sql: 'DROP TABLE orders' }));
    expect(e.code).toBe(ErrorCode.SqlRefused);
    expect(e.retryable).toBe(false);
    const [after] = ok(await run({ op: 'sql', sql: 'SELECT count(*) AS n FROM orders' }));
    expect(after?.rows).toEqual([{ n: 2 }]);
  });

  it.each([
    [
      'not-listed',
      { op: 'sql', name: 'other' },
      /may not use connection "other": it is not in the agent's spec.connections \[warehouse, llm, offline, github, ghost\]/,
    ],
    [
      'unknown-connection',
      { op: 'sql', name: 'ghost' },
      /lists connection ghost, but no Connection manifest/,
    ],
    [
      'wrong-type',
      { op: 'sql', name: 'llm' },
      /connection llm is of type llm; ctx.sql\(\) needs type sql/,
    ],
  ])('refuses %s with CAPABILITY_UNAVAILABLE', async (reason, data, message) => {
    const e = failed(await run(data));
    expect(e.code).toBe(ErrorCode.CapabilityUnavailable);
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(message);
    expect(e.data).toMatchObject({ capability: 'sql', reason });
  });

  it('a task without capabilities has no connection at all', async () => {
    const [o] = await raw.run([makeTask('capabilities', { op: 'sql' })]);
    expect(failed(o).data).toMatchObject({ reason: 'not-listed', name: 'warehouse' });
  });
});

describe('ctx.llm', () => {
  it('talks to an OpenAI-compatible server', async () => {
    expect(ok(await run({ op: 'llm' }))).toEqual([{ offline: false, content: 'echo hi' }]);
    expect(llm.requests.at(-1)?.body?.model).toBe('fake');
  });

  it('the offline provider says so and has no chat', async () => {
    const o = await run({ op: 'llm', name: 'offline' });
    const e = failed(o);
    expect(e.code).toBe(ErrorCode.LlmError);
    expect(e.message).toMatch(/offline provider/);
    expect(e.retryable).toBe(false);
  });

  it('refuses an sql connection', async () => {
    expect(failed(await run({ op: 'llm', name: 'warehouse' })).data).toMatchObject({
      capability: 'llm',
      reason: 'wrong-type',
    });
  });
});

describe('ctx.workspace', () => {
  it('is bound to the correlation id, records the agent, and is shared by invocations', async () => {
    const event = createEvent({
      type: 'test.event',
      data: { op: 'ws-put', key: 'q', value: { a: 1 } },
    });
    const [done] = ok(await run(undefined, { event }));
    expect(done).toEqual({ scope: event.correlationid });
    const read = createEvent({
      type: 'test.event',
      data: { op: 'ws-get', key: 'q' },
      correlationId: event.correlationid,
    });
    expect(ok(await run(undefined, { event: read }))).toEqual([
      { value: { a: 1 }, createdBy: 'test-agent' },
    ]);
    // Another correlation does not see it.
    expect(ok(await run({ op: 'ws-get', key: 'q' }))).toEqual([{ value: null, createdBy: null }]);
  });

  it('update loses nothing across concurrent invocations', async () => {
    const correlationId = createEvent({ type: 'x', data: null }).id;
    const tasks = Array.from({ length: 10 }, () =>
      makeTask('capabilities', undefined, {
        event: createEvent({ type: 'test.event', data: { op: 'ws-bump' }, correlationId }),
      }),
    );
    const outcomes = await pool.run(tasks);
    const values = outcomes.flatMap((o) => ok(o).map((d) => d.value as number));
    expect(values.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('without a workspace target it refuses with not-configured', async () => {
    const capabilities: TaskCapabilities = { listed: [], connections: {} };
    const e = failed(await run({ op: 'ws-get' }, { capabilities }));
    expect(e.code).toBe(ErrorCode.CapabilityUnavailable);
    expect(e.data).toMatchObject({ capability: 'workspace', reason: 'not-configured' });
  });
});

describe('ctx.tools', () => {
  it('calls a tool of a listed MCP connection, reusing the server process, and pins its tools', async () => {
    const [first] = ok(await run({ op: 'tools', name: 'github' }));
    expect(first).toMatchObject({ result: { structuredContent: { hits: ['troupe'] } } });
    const [second] = ok(await run({ op: 'tools', name: 'github' }));
    const pid = (r: Record<string, unknown> | undefined) =>
      (r?.result as { structuredContent: { pid: number } }).structuredContent.pid;
    expect(pid(second)).toBe(pid(first));
    const { readFileSync } = await import('node:fs');
    const pins = JSON.parse(readFileSync(join(tmp, 'mcp-pins.json'), 'utf8')) as {
      pins: Record<string, Record<string, string>>;
    };
    expect(Object.keys(pins.pins.github ?? {})).toContain('search');
  });

  it('passes arguments through and returns the whole result', async () => {
    const [r] = ok(await run({ op: 'tools', tool: 'args', args: { city: 'Oslo', days: 3 } }));
    expect(r).toMatchObject({ result: { structuredContent: { args: { city: 'Oslo', days: 3 } } } });
  });

  it('a call past its per-call timeoutMs fails with MCP_ERROR kind timeout, retryable', async () => {
    const started = performance.now();
    const e = failed(await run({ op: 'tools', tool: 'slow', args: { ms: 3000 }, timeoutMs: 200 }));
    expect(performance.now() - started).toBeLessThan(2500);
    expect(e).toMatchObject({
      code: ErrorCode.McpError,
      retryable: true,
      data: { kind: 'timeout', timeoutMs: 200, connection: 'github', tool: 'slow' },
    });
    expect(e.message).toMatch(/timed out after 200 ms/);
    // Within its timeout the same tool answers.
    const [fine] = ok(await run({ op: 'tools', tool: 'slow', args: { ms: 10 }, timeoutMs: 2000 }));
    expect(fine).toMatchObject({ result: { content: [{ type: 'text', text: 'slept 10 ms' }] } });
  });

  it("the handler's deadline aborts a call whose own timeout is longer (HANDLER_TIMEOUT)", async () => {
    const started = performance.now();
    const e = failed(
      await run(
        { op: 'tools', tool: 'slow', args: { ms: 3000 }, timeoutMs: 10_000 },
        { timeoutMs: 300 },
      ),
    );
    expect(performance.now() - started).toBeLessThan(2500);
    expect(e.code).toBe(ErrorCode.HandlerTimeout);
    expect(e.cause).toMatchObject({
      code: ErrorCode.McpError,
      data: { kind: 'timeout', aborted: true },
    });
  });

  it("the caller's own signal aborts the call too (combined with ctx.signal)", async () => {
    const e = failed(
      await run({ op: 'tools', tool: 'slow', args: { ms: 3000 }, abortAfterMs: 150 }),
    );
    expect(e).toMatchObject({
      code: ErrorCode.McpError,
      retryable: true,
      data: { kind: 'timeout', aborted: true },
    });
  });

  it.each([0, -1])('refuses timeoutMs %s with INVALID_OPTION (not retried)', async (timeoutMs) => {
    const e = failed(await run({ op: 'tools', tool: 'slow', args: { ms: 1 }, timeoutMs }));
    expect(e).toMatchObject({ code: ErrorCode.InvalidOption, retryable: false });
  });

  it('an error result is MCP_ERROR kind tool-error, not retryable', async () => {
    const e = failed(await run({ op: 'tools', tool: 'fail' }));
    expect(e).toMatchObject({
      code: ErrorCode.McpError,
      retryable: false,
      data: { kind: 'tool-error' },
    });
  });

  it('refuses a connection that is not MCP', async () => {
    expect(failed(await run({ op: 'tools', name: 'warehouse' })).data).toMatchObject({
      reason: 'wrong-type',
    });
  });
});
