import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildGraph } from './graph.js';
import { parseManifestText } from './parse-text.js';
import { renderDot, renderMermaid } from './render.js';

const FILE = fileURLToPath(new URL('../../test-fixtures/broken/virtual.yaml', import.meta.url));
const TEXT = `apiVersion: troupe.dev/v1
kind: EventType
metadata: { name: q.in }
spec: { entry: true }
---
apiVersion: troupe.dev/v1
kind: Agent
metadata: { name: worker }
spec:
  handler: ./handlers/noop.mjs
  subscribe: [{ type: q.in, where: { data.kind: "a\\"b" } }]
  emits: [q.out]
---
apiVersion: troupe.dev/v1
kind: Aggregator
metadata: { name: agg }
spec: { collect: [q.out], emits: q.done }
`;

const graph = (() => {
  const set = parseManifestText(TEXT, FILE);
  expect(set.diagnostics).toEqual([]);
  return buildGraph(set.manifests);
})();

describe('renderMermaid', () => {
  it('draws participants, event types and labelled edges', () => {
    expect(renderMermaid(graph)).toBe(
      [
        'flowchart LR',
        '  p0["worker"]',
        '  p1{{"aggregator: agg"}}',
        '  e0(["q.in"])',
        '  e1(["q.out"])',
        '  e2(["q.done"])',
        '  e0 -->|where| p0',
        '  p0 --> e1',
        '  e1 -->|collect| p1',
        '  p1 --> e2',
        '  classDef event fill:#eef,stroke:#88a',
        '  classDef entry fill:#dfd,stroke:#393',
        '  classDef terminal fill:#fdd,stroke:#933',
        '  class e0,e1,e2 event',
        '  class e0 entry',
        '',
      ].join('\n'),
    );
  });

  it('escapes quotes in labels', () => {
    const g = {
      participants: [],
      eventTypes: [{ name: 'a"b', declared: false, entry: false, terminal: false, system: false }],
      edges: [],
    };
    expect(renderMermaid(g)).toContain('e0(["a#quot;b"])');
    expect(renderDot(g)).toContain('label="a\\"b"');
  });
});

describe('renderDot', () => {
  it('is a valid-looking digraph with shapes per kind', () => {
    const dot = renderDot(graph);
    expect(dot.startsWith('digraph troupe {\n  rankdir=LR;')).toBe(true);
    expect(dot).toContain('p0 [shape=box, label="worker"];');
    expect(dot).toContain('p1 [shape=hexagon, label="aggregator: agg"];');
    expect(dot).toContain('e0 [shape=ellipse, style=filled, fillcolor="#ddffdd", label="q.in"];');
    expect(dot).toContain('e0 -> p0 [label="where"];');
    expect(dot).toContain('p1 -> e2;');
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });
});

describe('built-in agents', () => {
  it('show their tool in the label', () => {
    const set = parseManifestText(
      `apiVersion: troupe.dev/v1
kind: Agent
metadata: { name: weather }
spec:
  uses: mcp-tool
  subscribe: [{ type: asked }]
  tool: { connection: forecasts, name: get_forecast, result: ready }
`,
      FILE,
    );
    expect(set.diagnostics).toEqual([]);
    const g = buildGraph(set.manifests);
    expect(renderMermaid(g)).toContain('p0["weather (mcp-tool: forecasts/get_forecast)"]');
    expect(renderDot(g)).toContain('label="weather (mcp-tool: forecasts/get_forecast)"');
    expect(renderMermaid(g)).toContain('p0 --> e1');
  });
});
