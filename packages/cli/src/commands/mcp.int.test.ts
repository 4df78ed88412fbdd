// `agentctl mcp` as MCP clients run it: the real SDK Client spawns the real binary over stdio
// (embedded runtime from -f), lists tools, calls a declared Tool with progress, gets error
// results for a timeout and invalid input, and a handler's console.log stays off the protocol.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { agentctl, BIN, REPO } from './fixtures/agentctl.js';

export const MCP_FIXTURE = fileURLToPath(
  new URL('../../../runtime/src/mcp/fixtures/system.yaml', import.meta.url),
);

let client: Client;
let stderr = '';

function text(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

beforeAll(async () => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '-f', MCP_FIXTURE],
    cwd: REPO,
    env: { ...(process.env as Record<string, string>), NO_COLOR: '1' },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  client = new Client({ name: 'agentctl-mcp-test', version: '1' });
  await client.connect(transport);
  // Warm the worker thread (tsx compiles each handler once) before timing-sensitive calls.
  const warm = (await client.callTool({
    name: 'publish_event',
    arguments: { type: 'Ask', data: { question: 'warm' }, wait: ['Answered'], timeoutMs: 30_000 },
  })) as CallToolResult;
  expect(warm.isError, text(warm)).toBeFalsy();
}, 60_000);

afterAll(async () => {
  await client?.close();
});

describe('agentctl mcp (stdio, embedded)', () => {
  it('says on stderr what it serves', () => {
    expect(stderr).toContain('troupe MCP server on stdio (embedded: 3 agent(s))');
  });

  it('tools/list holds the built-ins and the declared Tools', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual([
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
    ]);
  });

  it('a declared Tool returns the terminal event with progress notifications', async () => {
    const progress: Progress[] = [];
    const r = (await client.callTool(
      { name: 'ask', arguments: { question: 'stdio?' } },
      undefined,
      {
        onprogress: (p) => progress.push(p),
      },
    )) as CallToolResult;
    expect(r.isError, text(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      outcome: 'success',
      event: { type: 'Answered', data: { answer: 'STDIO?' } },
    });
    // The server sends one notification per event (Ask, Planned, Answered) before the result,
    // but the SDK client handles notifications a microtask later than responses: those read in
    // the same chunk as the result are dropped client-side. So: at least the first one.
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]!.message).toMatch(/^Ask from troupe:\/\/mcp\/tool\/ask/);
  });

  it('a timeout is an error result naming the correlation id', async () => {
    const r = (await client.callTool({
      name: 'ask',
      arguments: { question: 'silent' },
    })) as CallToolResult;
    expect(r.isError).toBe(true);
    const { correlationId } = r.structuredContent as { correlationId: string };
    expect(text(r)).toBe(
      `ask timed out after 2000 ms waiting for Answered or AskFailed (correlation ${correlationId})`,
    );
  });

  it('invalid input is an error result naming the field', async () => {
    const r = (await client.callTool({
      name: 'ask',
      arguments: { question: '' },
    })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toBe(
      'invalid arguments for ask: question must NOT have fewer than 1 characters',
    );
  });

  it("a handler's console.log goes to stderr, not into the protocol", async () => {
    const r = (await client.callTool({
      name: 'ask',
      arguments: { question: 'shout' },
    })) as CallToolResult;
    expect(r.isError, text(r)).toBeFalsy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stderr).toContain('a handler wrote to stdout');
    // The session still works after it.
    expect((await client.listTools()).tools.length).toBe(10);
  });
});

describe('agentctl mcp --server (stdio, bridged to a running node)', () => {
  it("serves the node's Tools through its admin API with TROUPE_TOKEN", async () => {
    const { validateManifests } = await import('@troupe/core');
    const { createMemoryTransport, createRuntime, startAdminServer } =
      await import('@troupe/runtime');
    const runtime = createRuntime({
      transport: createMemoryTransport(),
      options: { pool: { threads: 1 } },
    });
    await runtime.apply((await validateManifests([MCP_FIXTURE])).set.manifests);
    await runtime.request('Ask', { question: 'warm' }, { wait: ['Answered'], timeoutMs: 20_000 });
    const admin = await startAdminServer({ runtime, token: 'tok', port: 0 });
    const bridged = new Client({ name: 'bridge-test', version: '1' });
    try {
      await bridged.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [BIN, 'mcp'],
          cwd: REPO,
          env: {
            ...(process.env as Record<string, string>),
            TROUPE_SERVER: admin.url,
            TROUPE_TOKEN: 'tok',
          },
          stderr: 'ignore',
        }),
      );
      expect((await bridged.listTools()).tools.map((t) => t.name)).toContain('ask');
      const r = (await bridged.callTool({
        name: 'ask',
        arguments: { question: 'remote' },
      })) as CallToolResult;
      expect(r.isError, text(r)).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ event: { data: { answer: 'REMOTE' } } });
    } finally {
      await bridged.close();
      await admin.close();
      await runtime.close({ deadlineMs: 2000 });
    }
  }, 30_000);

  it('a wrong token is an error result that says to check TROUPE_TOKEN', async () => {
    const { createMemoryTransport, createRuntime, startAdminServer } =
      await import('@troupe/runtime');
    const runtime = createRuntime({
      transport: createMemoryTransport(),
      options: { pool: { threads: 1 } },
    });
    const admin = await startAdminServer({ runtime, token: 'tok', port: 0 });
    const bridged = new Client({ name: 'bridge-test', version: '1' });
    try {
      await bridged.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [BIN, 'mcp', '--server', admin.url, '--token', 'wrong'],
          cwd: REPO,
          stderr: 'ignore',
        }),
      );
      const r = (await bridged.callTool({ name: 'list_agents', arguments: {} })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(text(r)).toContain('check TROUPE_TOKEN');
    } finally {
      await bridged.close();
      await admin.close();
      await runtime.close({ deadlineMs: 2000 });
    }
  }, 30_000);
});

describe('agentctl mcp usage', () => {
  it('exits 2 when there is nothing to serve', async () => {
    const r = await agentctl(['mcp'], { TROUPE_SERVER: undefined });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('nothing to serve: give -f PATH');
  });

  it('exits 2 for --server together with -f', async () => {
    const r = await agentctl(['mcp', '--server', 'http://127.0.0.1:1', '-f', MCP_FIXTURE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not both');
  });

  it('exits 1 with diagnostics on stderr for invalid manifests, stdout untouched', async () => {
    const r = await agentctl(['mcp', '-f', 'packages/cli/src/commands/fixtures/broken.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+/);
  });
});
