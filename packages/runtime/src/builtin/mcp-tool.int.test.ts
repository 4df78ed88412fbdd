// `uses: mcp-tool` agents in a whole runtime node (memory transport, real worker threads, the
// adapters' real stdio fixture MCP server): mapped arguments in, result event out; an error
// result becomes the failure event; a hanging tool times out per call, is retried per the
// agent's policy and dead-lettered; an event missing a templated path is dead-lettered at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, parseManifestText } from '@troupe/core';
import { createRuntime, type Runtime } from '../node/runtime.js';
import { createMemoryTransport } from '../transport/index.js';
import type { DeadLetter } from '../transport/contract.js';

const tmp = mkdtempSync(join(tmpdir(), 'troupe-mcp-tool-'));
const SERVER = fileURLToPath(
  new URL('../../../adapters/src/mcp/fixtures/echo-server.mjs', import.meta.url),
);

const entry = (type: string): string =>
  `apiVersion: troupe.dev/v1\nkind: EventType\nmetadata: { name: ${type} }\nspec: { entry: true }\n`;
const toolAgent = (name: string, on: string, tool: string, extra = '', failure = true): string =>
  `apiVersion: troupe.dev/v1\nkind: Agent\nmetadata: { name: ${name} }\nspec:\n  uses: mcp-tool\n` +
  `  subscribe: [{ type: ${on} }]\n  tool:\n    connection: fixture\n    name: ${tool}\n` +
  `    result: ${name}.done\n${failure ? `    failure: ${name}.failed\n` : ''}${extra}`;

const MANIFEST = [
  entry('mapped.requested'),
  toolAgent(
    'mapped',
    'mapped.requested',
    'args',
    "    arguments:\n      city: '{{ data.city }}'\n      days: '{{ data.days }}'\n" +
      "      flags: '{{ data.flags }}'\n      label: 'forecast for {{ data.city }} ({{ data.days }} days)'\n" +
      '      fixed: [1, true]\n',
  ),
  entry('text.requested'),
  toolAgent('text', 'text.requested', 'slow', "    arguments: '{{ data }}'\n"),
  entry('failing.requested'),
  toolAgent('failing', 'failing.requested', 'fail'),
  entry('strict.requested'),
  toolAgent('strict', 'strict.requested', 'fail', '', false),
  entry('hanging.requested'),
  toolAgent(
    'hanging',
    'hanging.requested',
    'slow',
    '    arguments: { ms: 5000 }\n    timeoutMs: 200\n' +
      '  retry: { attempts: 3, backoff: fixed, initialDelayMs: 10, jitter: 0 }\n',
  ),
  `apiVersion: troupe.dev/v1\nkind: Connection\nmetadata: { name: fixture }\n` +
    `spec: { type: mcp, transport: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(SERVER)}] }\n`,
].join('---\n');

let rt: Runtime;

beforeAll(async () => {
  // Tool pins of the worker threads go to the temp dir (threads copy the environment at start).
  process.env.TROUPE_MCP_PINS = join(tmp, 'mcp-pins.json');
  const set = parseManifestText(MANIFEST, join(tmp, 'system.yaml'));
  expect(set.diagnostics).toEqual([]);
  rt = createRuntime({
    transport: createMemoryTransport(),
    nodeId: 'mcp-tool',
    options: { pool: { threads: 1 }, fetchBlockMs: 20, workspace: false },
  });
  await rt.apply(set.manifests);
});

afterAll(async () => {
  await rt?.close({ deadlineMs: 5000 });
  rmSync(tmp, { recursive: true, force: true });
});

const request = (type: string, data: unknown, agent: string) =>
  rt.request(type, data, { wait: [`${agent}.done`, `${agent}.failed`], timeoutMs: 30_000 });

async function deadLetter(agent: string): Promise<DeadLetter> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [first] = await rt.transport.deadLetters(agent);
    if (first !== undefined) return first;
    if (Date.now() > deadline) throw new Error(`no dead letter for ${agent}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const status = (agent: string) => rt.agents().find((a) => a.name === agent)!;

describe('uses: mcp-tool', () => {
  it('maps event data into the arguments (types kept) and emits the result event', async () => {
    const { request: req, result } = await request(
      'mapped.requested',
      { city: 'Oslo', days: 3, flags: { metric: true } },
      'mapped',
    );
    expect(result.type).toBe('mapped.done');
    expect(result.causationid).toBe(req.id);
    expect(result.data).toEqual({
      connection: 'fixture',
      tool: 'args',
      result: {
        args: {
          city: 'Oslo',
          days: 3,
          flags: { metric: true },
          label: 'forecast for Oslo (3 days)',
          fixed: [1, true],
        },
      },
    });
  });

  it("a result without structuredContent carries the tool's text; a whole template passes data", async () => {
    const { result } = await request('text.requested', { ms: 1 }, 'text');
    expect(result.data).toEqual({ connection: 'fixture', tool: 'slow', result: 'slept 1 ms' });
  });

  it('an error result emits the failure event with the error text (no retry)', async () => {
    const { result } = await request('failing.requested', {}, 'failing');
    expect(result.type).toBe('failing.failed');
    expect(result.data).toEqual({
      connection: 'fixture',
      tool: 'fail',
      error: 'the fixture failed on purpose',
    });
    expect(status('failing')).toMatchObject({ retried: 0, deadLettered: 0 });
  });

  it('an error result without spec.tool.failure is dead-lettered at once (MCP_ERROR tool-error)', async () => {
    const event = await rt.publish('strict.requested', {});
    const dead = await deadLetter('strict');
    expect(dead.event.id).toBe(event.id);
    expect(dead.attempts).toBe(1);
    expect(dead.error).toMatchObject({
      code: ErrorCode.McpError,
      retryable: false,
      data: { kind: 'tool-error', tool: 'fail' },
    });
  });

  it('a hanging tool times out per call, is retried per the policy, then dead-lettered', async () => {
    const seen: string[] = [];
    const obs = await rt.transport.observe(['hanging.done', 'hanging.failed'], (e) =>
      seen.push(e.type),
    );
    const started = Date.now();
    const event = await rt.publish('hanging.requested', {});
    const dead = await deadLetter('hanging');
    await obs.close();
    // 3 attempts of ~200 ms each, far below the fixture's 5 s.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(dead.event.id).toBe(event.id);
    expect(dead.attempts).toBe(3);
    expect(dead.error).toMatchObject({
      code: ErrorCode.McpError,
      retryable: true,
      data: { kind: 'timeout', timeoutMs: 200, connection: 'fixture', tool: 'slow' },
    });
    expect(seen).toEqual([]);
    expect(status('hanging')).toMatchObject({ retried: 2, deadLettered: 1 });
  });

  it('an event without a templated path is dead-lettered at once (NON_RETRYABLE)', async () => {
    const event = await rt.publish('mapped.requested', { days: 1 });
    const dead = await deadLetter('mapped');
    expect(dead.event.id).toBe(event.id);
    expect(dead.attempts).toBe(1);
    expect(dead.error).toMatchObject({
      code: ErrorCode.NonRetryable,
      retryable: false,
      data: { path: 'data.city', argument: 'spec.tool.arguments.city', reason: 'missing' },
    });
    expect(dead.error?.message).toMatch(/has no 'data.city'/);
  });
});
