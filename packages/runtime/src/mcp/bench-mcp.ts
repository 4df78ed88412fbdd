// Publish-and-wait latency of a 1-hop system (Ping → ponger → Pong), sequential calls, measured
// in one run: in-process `runtime.request`, a declared Tool through MCP over Streamable HTTP
// (`/mcp` on the admin server, same process), and through `agentctl mcp -f` over stdio (its own
// embedded runtime in a child process). Prints p50 / p90 / p99 / max in ms.
//   pnpm exec tsx packages/runtime/src/mcp/bench-mcp.ts [calls=200]
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { validateManifests } from '@troupe/core';
import { startAdminServer } from '../admin/server.js';
import { createRuntime } from '../node/runtime.js';
import { createMemoryTransport } from '../transport/index.js';
import { mcpAdminMount } from './admin-mount.js';

const SYSTEM = fileURLToPath(new URL('./fixtures/system.yaml', import.meta.url));
const AGENTCTL = fileURLToPath(new URL('../../../cli/bin/agentctl.mjs', import.meta.url));
const CALLS = Number(process.argv[2] ?? 200);
const WARMUP = 20;

function summary(label: string, ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number): string => s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(2);
  return `${label.padEnd(34)} n=${s.length}  p50 ${q(0.5)}  p90 ${q(0.9)}  p99 ${q(0.99)}  max ${s.at(-1)!.toFixed(2)} ms`;
}

async function measure(call: (n: number) => Promise<void>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await call(-i);
  const out: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await call(i);
    out.push(performance.now() - t);
  }
  return out;
}

async function viaMcp(client: Client): Promise<number[]> {
  return measure(async (n) => {
    const r = (await client.callTool({ name: 'ping', arguments: { n } })) as CallToolResult;
    if (r.isError) throw new Error(JSON.stringify(r.content));
  });
}

const { set, ok } = await validateManifests([SYSTEM]);
if (!ok) throw new Error('fixture manifests are invalid');
const runtime = createRuntime({
  transport: createMemoryTransport(),
  options: { pool: { threads: 1 } },
});
await runtime.apply(set.manifests);
const mcp = mcpAdminMount({ token: 't' });
const admin = await startAdminServer({ runtime, token: 't', port: 0, mount: mcp.mount });

const lines: string[] = [];
lines.push(
  summary(
    'in-process runtime.request',
    await measure(async (n) => {
      await runtime.request('Ping', { n }, { wait: ['Pong'], timeoutMs: 10_000 });
    }),
  ),
);

const http = new Client({ name: 'bench', version: '1' });
await http.connect(
  new StreamableHTTPClientTransport(new URL(`${admin.url}/mcp`), {
    requestInit: { headers: { Authorization: 'Bearer t' } },
  }),
);
lines.push(summary('MCP Streamable HTTP (/mcp, tool)', await viaMcp(http)));
await http.close();

const stdio = new Client({ name: 'bench', version: '1' });
await stdio.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [AGENTCTL, 'mcp', '-f', SYSTEM],
    stderr: 'ignore',
  }),
);
lines.push(summary('MCP stdio (agentctl mcp -f, tool)', await viaMcp(stdio)));
await stdio.close();

await mcp.close();
await admin.close();
await runtime.close({ deadlineMs: 2000 });
console.log(
  `publish-and-wait, 1 hop, ${CALLS} sequential calls after ${WARMUP} warm-up:\n${lines.join('\n')}`,
);
