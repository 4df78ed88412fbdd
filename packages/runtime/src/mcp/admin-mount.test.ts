// The MCP server on the real admin API (startAdminServer on 127.0.0.1:0 with a token): `/mcp`
// mounted through `mount` behind the admin auth, and the remote backend (`agentctl mcp
// --server`) bridging to the same node through `/v1`: tools, progress over SSE, timeouts,
// dead letters and manifest changes.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { validateManifests, type LoadedManifest } from '@troupe/core';
import { startAdminServer, type AdminServer } from '../admin/server.js';
import { createRuntime, type Runtime } from '../node/runtime.js';
import { createMemoryTransport } from '../transport/index.js';
import { mcpAdminMount, type McpAdminMount } from './admin-mount.js';
import { createRemoteBackend } from './remote-backend.js';
import { createMcpServer } from './server.js';

const SYSTEM = fileURLToPath(new URL('./fixtures/system.yaml', import.meta.url));
const TOKEN = 'admin-token';

let runtime: Runtime;
let manifests: LoadedManifest[];
let admin: AdminServer;
let mcp: McpAdminMount;

const text = (r: CallToolResult): string =>
  r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

beforeAll(async () => {
  manifests = (await validateManifests([SYSTEM])).set.manifests;
  runtime = createRuntime({
    transport: createMemoryTransport(),
    nodeId: 'mcp-admin',
    options: { pool: { threads: 1 } },
  });
  await runtime.apply(manifests);
  await runtime.request('Ask', { question: 'warm' }, { wait: ['Answered'], timeoutMs: 20_000 });
  // No token of its own: the endpoint must enforce the admin API's.
  mcp = mcpAdminMount();
  admin = await startAdminServer({ runtime, token: TOKEN, port: 0, mount: mcp.mount });
}, 30_000);

afterAll(async () => {
  await mcp?.close();
  await admin?.close();
  await runtime?.close({ deadlineMs: 2000 });
});

describe('/mcp on the admin API', () => {
  it('the SDK client calls a declared Tool over Streamable HTTP with the admin token', async () => {
    const client = new Client({ name: 'admin-mcp', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${admin.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
      }),
    );
    try {
      const progress: Progress[] = [];
      const r = (await client.callTool(
        { name: 'ask', arguments: { question: 'admin' } },
        undefined,
        {
          onprogress: (p) => progress.push(p),
        },
      )) as CallToolResult;
      expect(r.isError, text(r)).toBeFalsy();
      expect(r.structuredContent).toMatchObject({
        event: { type: 'Answered', data: { answer: 'ADMIN' } },
      });
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(mcp.endpoint()?.sessionCount()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('no token or a wrong token: 401; a foreign Origin: 403, with or without a token', async () => {
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'x', version: '1' },
      },
    };
    const post = (headers: Record<string, string>) =>
      fetch(`${admin.url}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify(init),
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ Authorization: 'Bearer wrong' })).status).toBe(401);
    expect(
      (await post({ Authorization: `Bearer ${TOKEN}`, Origin: 'https://attacker.example' })).status,
    ).toBe(403);
    // DNS-rebinding protection answers before auth: a foreign page learns nothing about tokens.
    expect((await post({ Origin: 'https://attacker.example' })).status).toBe(403);
    expect((await post({ Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    // The rest of the admin API still wants the token.
    expect((await fetch(`${admin.url}/v1/agents`)).status).toBe(401);
  });
});

describe('remote backend (agentctl mcp --server) over the admin API', () => {
  let client: Client;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const backend = createRemoteBackend({ url: admin.url, token: TOKEN, pollMs: 100 });
    const server = createMcpServer(backend);
    const [a, b] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'bridge', version: '1' });
    await Promise.all([server.connect(a), client.connect(b)]);
    close = async () => {
      await client.close();
      await backend.close();
    };
  });
  afterAll(async () => close?.());

  it("lists the node's declared Tools and agents", async () => {
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['list_agents', 'ask', 'ping']),
    );
    const agents = (await client.callTool({
      name: 'list_agents',
      arguments: {},
    })) as CallToolResult;
    expect(text(agents)).toContain('planner: running');
  });

  it('a declared Tool through the bridge: terminal event and progress from the SSE stream', async () => {
    const progress: Progress[] = [];
    const r = (await client.callTool(
      { name: 'ask', arguments: { question: 'bridged' } },
      undefined,
      {
        onprogress: (p) => progress.push(p),
      },
    )) as CallToolResult;
    expect(r.isError, text(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      event: { type: 'Answered', data: { answer: 'BRIDGED' } },
    });
    expect(progress.map((p) => p.message?.split(' ')[0])).toEqual(['Ask', 'Planned', 'Answered']);
  });

  it('a timeout and a failure type are error results naming the correlation id', async () => {
    const timeout = (await client.callTool({
      name: 'ask',
      arguments: { question: 'silent' },
    })) as CallToolResult;
    expect(timeout.isError).toBe(true);
    expect(text(timeout)).toMatch(
      /^ask timed out after 2000 ms waiting for Answered or AskFailed \(correlation [0-9a-f-]{36}\)$/,
    );
    const failed = (await client.callTool({
      name: 'ask',
      arguments: { question: 'fail' },
    })) as CallToolResult;
    expect(failed.isError).toBe(true);
    expect(text(failed)).toMatch(/^ask failed: AskFailed \(correlation [0-9a-f-]{36}\)/);
  });

  it('node refusals come back as error results (not an entry type), dead letters list', async () => {
    const refused = (await client.callTool({
      name: 'publish_event',
      arguments: { type: 'Answered', data: {} },
    })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/not an entry type/);
    const dlq = (await client.callTool({
      name: 'list_dead_letters',
      arguments: {},
    })) as CallToolResult;
    expect(dlq.isError, text(dlq)).toBeFalsy();
    const trace = (await client.callTool({
      name: 'get_trace',
      arguments: { correlationId: 'nope' },
    })) as CallToolResult;
    expect(trace.isError).toBe(true);
  });

  it('manifest changes on the node reach the client as tools/list_changed (polled)', async () => {
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
    );
    await new Promise((r) => setTimeout(r, 250));
    await runtime.apply(
      manifests.filter((m) => !(m.manifest.kind === 'Tool' && m.manifest.metadata.name === 'ping')),
    );
    try {
      await changed;
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('ping');
    } finally {
      await runtime.apply(manifests);
    }
  });
});
