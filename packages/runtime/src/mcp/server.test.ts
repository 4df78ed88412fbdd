// The MCP server through the real SDK Client (in-memory linked transports) over a real embedded
// runtime (memory transport, worker threads): listing, declared tools with progress, failure,
// timeout, invalid input, built-ins, resources, and list_changed after apply.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { validateManifests, type LoadedManifest } from '@troupe/core';
import { createRuntime, type Runtime } from '../node/runtime.js';
import { createMemoryTransport } from '../transport/index.js';
import { createEmbeddedBackend } from './embedded-backend.js';
import { createMcpServer } from './server.js';

const SYSTEM = fileURLToPath(new URL('./fixtures/system.yaml', import.meta.url));

let runtime: Runtime;
let manifests: LoadedManifest[];
let client: Client;

function text(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

async function call(
  name: string,
  args: Record<string, unknown>,
  onprogress?: (p: Progress) => void,
) {
  return (await client.callTool(
    { name, arguments: args },
    undefined,
    onprogress ? { onprogress } : {},
  )) as CallToolResult;
}

beforeAll(async () => {
  const loaded = await validateManifests([SYSTEM]);
  expect(loaded.ok).toBe(true);
  manifests = loaded.set.manifests;
  runtime = createRuntime({
    transport: createMemoryTransport(),
    nodeId: 'mcp-test',
    options: { pool: { threads: 1 } },
  });
  await runtime.apply(manifests);
  // Warm the worker (tsx loads each handler once) so the 2 s tool timeout measures the system.
  await runtime.request('Ask', { question: 'warm' }, { wait: ['Answered'], timeoutMs: 20_000 });
  await runtime.request('Ping', { n: 0 }, { wait: ['Pong'], timeoutMs: 20_000 });
  const server = createMcpServer(createEmbeddedBackend(runtime));
  const [a, b] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'test', version: '1' });
  await Promise.all([server.connect(a), client.connect(b)]);
}, 30_000);

afterAll(async () => {
  await client?.close();
  await runtime?.close({ deadlineMs: 2000 });
});

describe('MCP server over an embedded runtime', () => {
  it('lists the built-ins and the declared Tools with their JSON Schema', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'list_agents',
        'describe_topology',
        'validate_manifest',
        'publish_event',
        'get_trace',
        'list_dead_letters',
        'replay_dead_letter',
        'workspace_search',
        'ask',
        'ping',
      ]),
    );
    const ask = tools.find((t) => t.name === 'ask')!;
    expect(ask.description).toBe('Ask the planner and the answerer a question.');
    expect(ask.inputSchema).toMatchObject({ type: 'object', required: ['question'] });
    expect(ask.annotations).toMatchObject({ readOnlyHint: false });
    expect(tools.find((t) => t.name === 'list_agents')!.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === 'replay_dead_letter')!.annotations?.destructiveHint).toBe(
      true,
    );
  });

  it('a declared Tool returns the terminal event and reports the causal tree as progress', async () => {
    const progress: Progress[] = [];
    const r = await call('ask', { question: 'why' }, (p) => progress.push(p));
    expect(r.isError, text(r)).toBeFalsy();
    const s = r.structuredContent as {
      outcome: string;
      correlationId: string;
      event: { type: string; data: unknown; correlationid: string };
    };
    expect(s.outcome).toBe('success');
    expect(s.event).toMatchObject({
      type: 'Answered',
      data: { answer: 'WHY' },
      correlationid: s.correlationId,
    });
    expect(text(r)).toContain('"answer": "WHY"');
    // Ask, Planned, Answered: one notification per event of the correlation, in order.
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);
    expect(progress[0]!.message).toMatch(/^Ask from troupe:\/\/mcp\/tool\/ask/);
    expect(progress[1]!.message).toMatch(/^Planned from troupe:\/\/agent\/planner \(hop 1\)/);
  });

  it('without a progress token no notification is sent, and the result is the same', async () => {
    const r = await call('ask', { question: 'quiet' });
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { event: { data: unknown } }).event.data).toEqual({
      answer: 'QUIET',
    });
  });

  it('a failure type is an error result naming the correlation id', async () => {
    const r = await call('ask', { question: 'fail' });
    expect(r.isError).toBe(true);
    const s = r.structuredContent as { outcome: string; correlationId: string };
    expect(s.outcome).toBe('failure');
    expect(text(r)).toContain(`ask failed: AskFailed (correlation ${s.correlationId})`);
    expect(text(r)).toContain('the planner refused');
  });

  it('a timeout is an error result naming the correlation id', async () => {
    const started = Date.now();
    const r = await call('ask', { question: 'silent' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(r.isError).toBe(true);
    const s = r.structuredContent as { outcome: string; correlationId: string };
    expect(s.outcome).toBe('timeout');
    expect(text(r)).toBe(
      `ask timed out after 2000 ms waiting for Answered or AskFailed (correlation ${s.correlationId})`,
    );
  });

  it('invalid input is an error result naming the field, and nothing is published', async () => {
    const before = runtime.agents().find((a) => a.name === 'planner')!.consumed;
    const missing = await call('ask', {});
    expect(missing.isError).toBe(true);
    expect(text(missing)).toBe('invalid arguments for ask: question is required');
    const wrong = await call('ask', { question: 42, extra: true });
    expect(text(wrong)).toContain('question must be string');
    expect(text(wrong)).toContain('extra is not allowed');
    await new Promise((r) => setTimeout(r, 100));
    expect(runtime.agents().find((a) => a.name === 'planner')!.consumed).toBe(before);
  });

  it('an unknown tool is a protocol error', async () => {
    await expect(call('nope', {})).rejects.toThrow(/Unknown tool: nope/);
  });

  it('list_agents and describe_topology describe the running system', async () => {
    const agents = await call('list_agents', {});
    expect(
      (agents.structuredContent as { agents: { name: string }[] }).agents.map((a) => a.name),
    ).toEqual(['planner', 'answerer', 'ponger']);
    const topo = await call('describe_topology', {});
    expect(text(topo)).toMatch(/^flowchart/);
    const edges = (
      topo.structuredContent as { edges: { participant: string; eventType: string }[] }
    ).edges;
    expect(edges).toContainEqual(
      expect.objectContaining({ participant: 'tool/ask', eventType: 'Ask' }),
    );
  });

  it('validate_manifest returns diagnostics with line and column, and refuses paths outside the root', async () => {
    const bad = await call('validate_manifest', {
      text: 'apiVersion: troupe.dev/v1\nkind: Agent\nmetadata: { name: x }\nspec:\n  handler: ./h.ts\n  subscribes: []\n',
      path: 'm.yaml',
    });
    expect(bad.isError).toBeFalsy();
    expect((bad.structuredContent as { ok: boolean }).ok).toBe(false);
    expect(text(bad)).toMatch(/^invalid:\nm\.yaml:\d+:\d+: /);
    expect(text(bad)).toContain('subscribe');
    const escape = await call('validate_manifest', { text: 'a: 1', path: '../../etc/x.yaml' });
    expect(escape.isError).toBe(true);
    const noText = await call('validate_manifest', {});
    expect(text(noText)).toBe('invalid arguments for validate_manifest: text is required');
  });

  it('publish_event publishes an entry type and can wait for the outcome', async () => {
    const r = await call('publish_event', {
      type: 'Ping',
      data: { n: 7 },
      wait: ['Pong'],
      timeoutMs: 5000,
    });
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { event: { data: unknown } }).event.data).toEqual({ n: 7 });
    const refused = await call('publish_event', { type: 'Answered', data: {} });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/not an entry type/);
    const invalid = await call('publish_event', { type: 'Ask', data: { question: '' } });
    expect(invalid.isError).toBe(true);
    expect(text(invalid)).toMatch(/Ask payload is invalid/);
  });

  it('dead letters: listed, replay needs ids or all, unknown agent named', async () => {
    const list = await call('list_dead_letters', {});
    expect(list.isError).toBeFalsy();
    expect((list.structuredContent as { deadLetters: unknown[] }).deadLetters).toEqual([]);
    const noIds = await call('replay_dead_letter', { agent: 'planner' });
    expect(noIds.isError).toBe(true);
    const unknown = await call('replay_dead_letter', { agent: 'ghost', all: true });
    expect(text(unknown)).toContain('no agent named ghost');
    const all = await call('replay_dead_letter', { agent: 'planner', all: true });
    expect(all.structuredContent).toEqual({ agent: 'planner', replayed: 0 });
  });

  it('workspace_search without a store says so', async () => {
    const r = await call('workspace_search', { text: 'x' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/workspace is not available/);
  });

  it('manifests and the topology are resources; a trace is a template', async () => {
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain('troupe://topology');
    expect(uris).toContain('troupe://manifests/Tool/ask');
    const tool = await client.readResource({ uri: 'troupe://manifests/Tool/ask' });
    expect(JSON.parse((tool.contents[0] as { text: string }).text)).toMatchObject({
      kind: 'Tool',
      spec: { publish: 'Ask' },
    });
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain(
      'troupe://traces/{correlationId}',
    );
    await expect(client.readResource({ uri: 'troupe://manifests/Tool/nope' })).rejects.toThrow(
      /no resource/,
    );
  });

  it('apply sends tools/list_changed and the tool list follows the manifests', async () => {
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
    );
    const withoutPing = manifests.filter(
      (m) => !(m.manifest.kind === 'Tool' && m.manifest.metadata.name === 'ping'),
    );
    await runtime.apply(withoutPing);
    await changed;
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('ping');
    await runtime.apply(manifests);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('ping');
  });
});
