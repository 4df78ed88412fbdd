import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeManifests } from './analyze.js';
import { findAgentCycles, formatCycle } from './cycles.js';
import { buildGraph } from './graph.js';
import { parseManifestText } from './parse-text.js';
import type { LoadedManifest } from './types.js';

// Handlers resolve against this (virtual) file: the broken corpus has handlers/noop.mjs.
const FILE = fileURLToPath(new URL('../../test-fixtures/broken/virtual.yaml', import.meta.url));

const docs = (...parts: string[]): LoadedManifest[] => {
  const set = parseManifestText(parts.join('---\n'), FILE);
  expect(set.diagnostics).toEqual([]);
  return set.manifests;
};
const event = (name: string, spec: string): string =>
  `apiVersion: troupe.dev/v1\nkind: EventType\nmetadata: { name: ${name} }\nspec: ${spec}\n`;
const agent = (name: string, subscribe: string[], emits: string[] = [], extra = ''): string =>
  `apiVersion: troupe.dev/v1\nkind: Agent\nmetadata: { name: ${name} }\nspec:\n  handler: ./handlers/noop.mjs\n` +
  `  subscribe: [${subscribe.map((t) => `{ type: ${t} }`).join(', ')}]\n  emits: [${emits.join(', ')}]\n${extra}`;
const codes = (manifests: LoadedManifest[]): string[] =>
  analyzeManifests(manifests).map((d) => d.code);

describe('analyzeManifests', () => {
  it('is silent on a clean linear flow', () => {
    expect(
      codes(
        docs(
          event('in', '{ entry: true }'),
          event('out', '{ terminal: true }'),
          agent('a', ['in'], ['out']),
        ),
      ),
    ).toEqual([]);
  });

  it('treats troupe.* types as emitted by the runtime and as entry points', () => {
    expect(codes(docs(agent('watch', ['troupe.breaker.opened'])))).toEqual([]);
    // troupe.deadlettered (decision 0008): an alerting agent is not a dead subscription.
    expect(codes(docs(agent('alert', ['troupe.deadlettered'])))).toEqual([]);
  });

  it('allows a cycle when every agent on it sets allowCycles', () => {
    const allow = '  allowCycles: true\n';
    const set = docs(
      event('go', '{ entry: true }'),
      agent('p', ['go', 'y'], ['x'], allow),
      agent('q', ['x'], ['y'], allow),
    );
    expect(codes(set)).toEqual([]);
    expect(findAgentCycles(buildGraph(set)).map(formatCycle)).toEqual(['p -> q -> p']);
  });

  it('does not count sagas as cycle members (request/reply)', () => {
    const saga =
      'apiVersion: troupe.dev/v1\nkind: Saga\nmetadata: { name: s }\nspec:\n  trigger: go\n' +
      '  steps: [{ name: one, command: do, success: done, failure: failed }]\n' +
      '  emits: { completed: ok, failed: ko }\n';
    const set = docs(
      event('go', '{ entry: true }'),
      event('ok', '{ terminal: true }'),
      event('ko', '{ terminal: true }'),
      saga,
      agent('worker', ['do'], ['done', 'failed']),
    );
    expect(codes(set)).toEqual([]);
  });

  it('reaches agents through aggregators', () => {
    const agg =
      'apiVersion: troupe.dev/v1\nkind: Aggregator\nmetadata: { name: g }\nspec:\n  collect: [a.done, b.done]\n  emits: ab.done\n';
    const set = docs(
      event('go', '{ entry: true }'),
      event('end', '{ terminal: true }'),
      agent('a', ['go'], ['a.done']),
      agent('b', ['go'], ['b.done']),
      agg,
      agent('after', ['ab.done'], ['end']),
    );
    expect(codes(set)).toEqual([]);
  });

  it('reports duplicate EventType names and keeps other kinds apart', () => {
    const set = docs(
      event('go', '{ entry: true }'),
      event('go', '{ entry: true }'),
      agent('go', ['go']),
    );
    const found = analyzeManifests(set);
    expect(found.map((d) => [d.code, d.path, d.location?.line])).toEqual([
      ['duplicate-name', 'metadata.name', 8],
    ]);
    expect(found[0]!.message).toContain(`${FILE}:3:19`);
  });

  it('reports one cycle per strongly connected component, shortest path first', () => {
    const set = docs(
      event('go', '{ entry: true }'),
      agent('a', ['go', 'z'], ['x']),
      agent('b', ['x'], ['y']),
      agent('c', ['y'], ['z', 'x2']),
      agent('d', ['x2'], ['z']),
    );
    expect(analyzeManifests(set).map((d) => d.message)).toEqual([
      'agents form a cycle: a -> b -> c -> a (via x, y, z)',
    ]);
  });

  it('falls back to document locations for manifests without a source', () => {
    const [m] = docs(agent('solo', ['nothing'], ['else']));
    const copy = structuredClone(m!);
    const found = analyzeManifests([copy]);
    expect(found.every((d) => d.location === copy.location)).toBe(true);
    expect(found.map((d) => d.code)).toEqual([
      'dead-subscription',
      'orphan-emission',
      'no-entry-point',
    ]);
  });
});

describe('buildGraph', () => {
  it('records roles and paths for every reference', () => {
    const tool =
      'apiVersion: troupe.dev/v1\nkind: Tool\nmetadata: { name: t }\nspec:\n  description: d\n  input: { type: object }\n' +
      '  publish: go\n  until: { success: [end], failure: [err] }\n';
    const graph = buildGraph(docs(tool, agent('a', ['go'], ['end', 'err'])));
    expect(graph.participants.map((p) => p.id)).toEqual(['tool/t', 'agent/a']);
    expect(
      graph.edges.map(
        (e) => `${e.participant} ${e.direction} ${e.eventType} ${e.role} ${e.path.join('.')}`,
      ),
    ).toEqual([
      'tool/t emits go publish spec.publish',
      'tool/t consumes end until-success spec.until.success.0',
      'tool/t consumes err until-failure spec.until.failure.0',
      'agent/a consumes go subscribe spec.subscribe.0.type',
      'agent/a emits end emit spec.emits.0',
      'agent/a emits err emit spec.emits.1',
    ]);
    expect(path.basename(graph.participants[1]!.source.file)).toBe('virtual.yaml');
  });
});

describe('uses: mcp-tool agents', () => {
  const connection = (name: string, spec: string): string =>
    `apiVersion: troupe.dev/v1\nkind: Connection\nmetadata: { name: ${name} }\nspec: ${spec}\n`;
  const toolAgent = (extra = ''): string =>
    'apiVersion: troupe.dev/v1\nkind: Agent\nmetadata: { name: weather }\nspec:\n  uses: mcp-tool\n' +
    '  subscribe: [{ type: asked }]\n' +
    '  tool: { connection: mcp, name: get_forecast, result: ready, failure: failed }\n' +
    extra;
  const mcp = connection('mcp', '{ type: mcp, transport: stdio, command: node }');

  it('emits its tool result and failure types when spec.emits is left out', () => {
    const set = docs(event('asked', '{ entry: true }'), toolAgent(), mcp, agent('b', ['ready']));
    const graph = buildGraph(set);
    expect(
      graph.edges
        .filter((e) => e.participant === 'agent/weather' && e.direction === 'emits')
        .map((e) => [e.eventType, e.path.join('.')]),
    ).toEqual([
      ['ready', 'spec.tool.result'],
      ['failed', 'spec.tool.failure'],
    ]);
    // 'failed' has no consumer: the orphan warning points at spec.tool.failure.
    const diagnostics = analyzeManifests(set);
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['orphan-emission', 'spec.tool.failure'],
    ]);
  });

  it('with spec.emits, the edges come from spec.emits as for any agent', () => {
    const set = docs(
      event('asked', '{ entry: true }'),
      event('ready', '{ terminal: true }'),
      event('failed', '{ terminal: true }'),
      toolAgent('  emits: [ready, failed]\n'),
      mcp,
    );
    expect(codes(set)).toEqual([]);
    expect(
      buildGraph(set)
        .edges.filter((e) => e.direction === 'emits')
        .map((e) => e.path.join('.')),
    ).toEqual(['spec.emits.0', 'spec.emits.1']);
  });

  it('does not need spec.connections for its tool connection, and checks its type', () => {
    const base = [
      event('asked', '{ entry: true }'),
      event('ready', '{ terminal: true }'),
      event('failed', '{ terminal: true }'),
      toolAgent(),
    ];
    expect(codes(docs(...base, mcp))).toEqual([]);
    expect(
      codes(docs(...base, connection('mcp', '{ type: llm, baseUrl: offline, model: m }'))),
    ).toEqual(['wrong-connection-type']);
    expect(codes(docs(...base))).toEqual(['unknown-connection']);
  });
});
