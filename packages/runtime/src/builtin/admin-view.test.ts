// A `uses: mcp-tool` agent through the admin API: applied like any agent (no handler path to
// check against the root), and /v1/agents shows the types it emits (its tool's result and
// failure types when the manifest leaves spec.emits out). No event is published, so the MCP
// server is never started.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../admin/testing.js';

const YAML = `apiVersion: troupe.dev/v1
kind: EventType
metadata: { name: asked }
spec: { entry: true }
---
apiVersion: troupe.dev/v1
kind: Agent
metadata: { name: weather }
spec:
  uses: mcp-tool
  subscribe: [{ type: asked }]
  tool: { connection: forecasts, name: get_forecast, result: ready, failure: failed }
---
apiVersion: troupe.dev/v1
kind: Connection
metadata: { name: forecasts }
spec: { type: mcp, transport: stdio, command: node, args: [./no-such-server.mjs] }
`;

let node: TestNode;
beforeAll(async () => {
  node = await startTestNode();
});
afterAll(async () => {
  await node?.close();
});

describe('uses: mcp-tool through the admin API', () => {
  it('applies and lists the emitted types', async () => {
    const res = await node.call('/v1/manifests', {
      method: 'POST',
      json: { files: [{ path: 'weather.yaml', text: YAML }] },
    });
    expect(res.status).toBe(200);
    const agent = (await (await node.call('/v1/agents/weather')).json()) as Record<string, unknown>;
    expect(agent).toMatchObject({
      name: 'weather',
      state: 'running',
      subscribes: ['asked'],
      emits: ['ready', 'failed'],
    });
  });
});
