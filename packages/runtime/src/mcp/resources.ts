// Manifests and traces as MCP resources: every applied manifest document at
// `troupe://manifests/<Kind>/<name>` (JSON), the choreography graph at `troupe://topology`
// (Mermaid), and a template `troupe://traces/{correlationId}` that reads a trace on demand.
import { buildGraph, ErrorCode, TroupeError, renderMermaid } from '@troupe/core';
import type {
  ReadResourceResult,
  Resource,
  ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpBackend } from './backend.js';

export const TOPOLOGY_URI = 'troupe://topology';
const MANIFEST_PREFIX = 'troupe://manifests/';
const TRACE_PREFIX = 'troupe://traces/';

export function manifestUri(kind: string, name: string): string {
  return `${MANIFEST_PREFIX}${encodeURIComponent(kind)}/${encodeURIComponent(name)}`;
}

export const RESOURCE_TEMPLATES: readonly ResourceTemplate[] = [
  {
    uriTemplate: `${TRACE_PREFIX}{correlationId}`,
    name: 'trace',
    title: 'Trace of a correlation',
    description: 'The causal tree of one correlation id (JSON).',
    mimeType: 'application/json',
  },
  {
    uriTemplate: `${MANIFEST_PREFIX}{kind}/{name}`,
    name: 'manifest',
    title: 'Applied manifest',
    description: 'One applied manifest document (JSON).',
    mimeType: 'application/json',
  },
];

export async function listResources(backend: McpBackend): Promise<Resource[]> {
  const manifests = await backend.manifests();
  return [
    {
      uri: TOPOLOGY_URI,
      name: 'topology',
      title: 'Choreography graph',
      description: 'Who emits and consumes which event type (Mermaid flowchart).',
      mimeType: 'text/vnd.mermaid',
    },
    ...manifests.map(({ manifest }) => ({
      uri: manifestUri(manifest.kind, manifest.metadata.name),
      name: `${manifest.kind}/${manifest.metadata.name}`,
      mimeType: 'application/json',
      ...(manifest.kind === 'Tool' ? { description: manifest.spec.description } : {}),
    })),
  ];
}

function notFound(uri: string): TroupeError {
  return new TroupeError(ErrorCode.NotFound, `no resource ${uri}`, {
    retryable: false,
    data: { kind: 'resource', name: uri },
  });
}

export async function readResource(backend: McpBackend, uri: string): Promise<ReadResourceResult> {
  if (uri === TOPOLOGY_URI) {
    const text = renderMermaid(buildGraph(await backend.manifests()));
    return { contents: [{ uri, mimeType: 'text/vnd.mermaid', text }] };
  }
  if (uri.startsWith(TRACE_PREFIX)) {
    const id = decodeURIComponent(uri.slice(TRACE_PREFIX.length));
    if (id === '') throw notFound(uri);
    const trace = await backend.trace(id);
    return {
      contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(trace, null, 2) }],
    };
  }
  if (uri.startsWith(MANIFEST_PREFIX)) {
    const [kind, name, ...rest] = uri
      .slice(MANIFEST_PREFIX.length)
      .split('/')
      .map(decodeURIComponent);
    const found = (await backend.manifests()).find(
      (m) => rest.length === 0 && m.manifest.kind === kind && m.manifest.metadata.name === name,
    );
    if (!found) throw notFound(uri);
    return {
      contents: [
        { uri, mimeType: 'application/json', text: JSON.stringify(found.manifest, null, 2) },
      ],
    };
  }
  throw notFound(uri);
}
