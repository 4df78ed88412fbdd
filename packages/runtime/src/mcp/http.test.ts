// `/mcp` over real HTTP (express on 127.0.0.1:0): the real SDK Client over Streamable HTTP with
// the bearer token (tools, a declared Tool with progress, list_changed on the SSE stream), and
// the guards with raw fetch: foreign Origin or Host → 403, no or wrong token → 401.
import type { AddressInfo } from 'node:net';
import { request, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { validateManifests, type LoadedManifest } from '@troupe/core';
import { createRuntime, type Runtime } from '../node/runtime.js';
import { createMemoryTransport } from '../transport/index.js';
import { createEmbeddedBackend } from './embedded-backend.js';
import { mountMcp, originAllowed, tokenMatches, type McpHttpEndpoint } from './http.js';

const SYSTEM = fileURLToPath(new URL('./fixtures/system.yaml', import.meta.url));
const TOKEN = 's3cret-token';
const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
};

let runtime: Runtime;
let manifests: LoadedManifest[];
let http: HttpServer;
let endpoint: McpHttpEndpoint;
let url: string;

function connect(token = TOKEN): Promise<Client> {
  const client = new Client({ name: 'http-test', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  return client.connect(transport).then(() => client);
}

function post(headers: Record<string, string>, body: unknown = INIT): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  const loaded = await validateManifests([SYSTEM]);
  manifests = loaded.set.manifests;
  runtime = createRuntime({
    transport: createMemoryTransport(),
    nodeId: 'mcp-http',
    options: { pool: { threads: 1 } },
  });
  await runtime.apply(manifests);
  await runtime.request('Ask', { question: 'warm' }, { wait: ['Answered'], timeoutMs: 20_000 });
  const app = express();
  endpoint = mountMcp(app, createEmbeddedBackend(runtime), { token: TOKEN });
  http = await new Promise<HttpServer>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
}, 30_000);

afterAll(async () => {
  await endpoint?.close();
  await new Promise((r) => http?.close(r));
  await runtime?.close({ deadlineMs: 2000 });
});

describe('MCP over Streamable HTTP', () => {
  it('the SDK client lists tools and calls a declared Tool with progress', async () => {
    const client = await connect();
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(
        expect.arrayContaining(['list_agents', 'ask', 'ping']),
      );
      const progress: Progress[] = [];
      const r = (await client.callTool(
        { name: 'ask', arguments: { question: 'over http' } },
        undefined,
        {
          onprogress: (p) => progress.push(p),
        },
      )) as CallToolResult;
      expect(r.isError).toBeFalsy();
      expect((r.structuredContent as { event: { data: unknown } }).event.data).toEqual({
        answer: 'OVER HTTP',
      });
      expect(progress.length).toBeGreaterThanOrEqual(1);
      const bad = (await client.callTool({
        name: 'ask',
        arguments: { question: 1 },
      })) as CallToolResult;
      expect(bad.isError).toBe(true);
      expect(bad.content[0]).toMatchObject({
        text: 'invalid arguments for ask: question must be string',
      });
      expect(endpoint.sessionCount()).toBeGreaterThanOrEqual(1);
    } finally {
      await client.close();
    }
  });

  it('sends tools/list_changed to an open session when manifests are applied', async () => {
    const client = await connect();
    try {
      const changed = new Promise<void>((resolve) =>
        client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
      );
      // The standalone SSE stream opens right after initialize; give it a moment to attach.
      await new Promise((r) => setTimeout(r, 200));
      await runtime.apply(manifests.filter((m) => m.manifest.kind !== 'Tool'));
      await changed;
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('ask');
    } finally {
      await runtime.apply(manifests);
      await client.close();
    }
  });

  it('a foreign Origin gets 403 (DNS rebinding), even with the right token', async () => {
    const r = await post({ Authorization: `Bearer ${TOKEN}`, Origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({
      error: { message: 'Origin http://evil.example is not allowed' },
    });
    const local = await post({ Authorization: `Bearer ${TOKEN}`, Origin: 'http://localhost:3000' });
    expect(local.status).toBe(200);
  });

  it('a foreign Host gets 403', async () => {
    // fetch may not set Host (a forbidden header), node:http may.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            Host: 'evil.example',
            Authorization: `Bearer ${TOKEN}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(INIT));
    });
    expect(status).toBe(403);
  });

  it('no token or a wrong token gets 401 with WWW-Authenticate', async () => {
    const none = await post({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await post({ Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    await expect(connect('nope')).rejects.toThrow(/401|token/);
  });

  it('requests without a session must initialize; an unknown session is 404', async () => {
    const noInit = await post(
      { Authorization: `Bearer ${TOKEN}` },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    );
    expect(noInit.status).toBe(400);
    const unknown = await post(
      { Authorization: `Bearer ${TOKEN}`, 'mcp-session-id': 'nope' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    );
    expect(unknown.status).toBe(404);
  });
});

describe('guards', () => {
  it('tokenMatches needs the Bearer scheme and the exact token', () => {
    expect(tokenMatches('abc', 'Bearer abc')).toBe(true);
    expect(tokenMatches('abc', 'bearer  abc ')).toBe(true);
    expect(tokenMatches('abc', 'Bearer abcd')).toBe(false);
    expect(tokenMatches('abc', 'Basic abc')).toBe(false);
    expect(tokenMatches('abc', undefined)).toBe(false);
  });

  it('originAllowed: loopback http(s) origins by default, or an exact list', () => {
    const hosts = ['localhost', '127.0.0.1', '[::1]'];
    expect(originAllowed('http://127.0.0.1:7070', hosts)).toBe(true);
    expect(originAllowed('https://[::1]', hosts)).toBe(true);
    expect(originAllowed('http://localhost.evil.example', hosts)).toBe(false);
    expect(originAllowed('null', hosts)).toBe(false);
    expect(originAllowed('file://localhost', hosts)).toBe(false);
    expect(originAllowed('https://app.example', hosts, ['https://app.example'])).toBe(true);
    expect(originAllowed('http://localhost', hosts, ['https://app.example'])).toBe(false);
  });
});
