import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseManifestText, type AgentManifest, type LoadedManifest } from '@troupe/core';
import { resolveAgent } from '../pipeline/options.js';
import { CapabilityRegistry } from '../workers/capability-grants.js';
import { builtinHandlerPath } from './index.js';

const TEXT = `apiVersion: troupe.dev/v1
kind: Agent
metadata: { name: weather }
spec:
  uses: mcp-tool
  subscribe: [{ type: asked }]
  tool: { connection: forecasts, name: get_forecast, arguments: { city: '{{ data.city }}' }, result: ready, failure: failed }
---
apiVersion: troupe.dev/v1
kind: Connection
metadata: { name: forecasts }
spec: { type: mcp, transport: stdio, command: node }
`;

function load(): LoadedManifest[] {
  const set = parseManifestText(TEXT, join(tmpdir(), 'weather.yaml'));
  expect(set.diagnostics).toEqual([]);
  return set.manifests;
}

describe('built-in agents', () => {
  it('resolve to the runtime module, with the tool as config and its types as emits', () => {
    const [agent] = load() as [LoadedManifest<AgentManifest>];
    expect(agent.handlerPath).toBeUndefined();
    const resolved = resolveAgent(agent);
    expect(resolved.handlerPath).toBe(builtinHandlerPath('mcp-tool'));
    expect(existsSync(resolved.handlerPath)).toBe(true);
    expect([...resolved.emits]).toEqual(['ready', 'failed']);
    expect(resolved.config).toEqual({ tool: agent.manifest.spec.tool });
  });

  it("are granted their tool's connection without listing it", () => {
    const registry = new CapabilityRegistry();
    registry.update(load());
    const caps = registry.for('weather');
    expect(caps?.listed).toEqual(['forecasts']);
    expect(caps?.connections.forecasts?.spec).toMatchObject({ type: 'mcp' });
  });
});
