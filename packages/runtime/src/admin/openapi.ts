// The OpenAPI 3.1 description of the admin API, served at `/v1/openapi.json`. Written by hand
// next to the routes (a test checks that every route the app serves is described here), with
// shared schemas for the envelope, problems and the manifest-file payload.

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ 'application/json': { schema } });
const problem = (description: string): Json => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const ok = (description: string, schema: Json = { type: 'object' }): Json => ({
  description,
  content: json(schema),
});
const pathParam = (name: string, description: string): Json => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const query = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const body = (schema: Json): Json => ({ required: true, content: json(schema) });

const COMMON_ERRORS = {
  '400': problem('Bad input (invalid JSON, a missing or mistyped field)'),
  '401': problem('Missing or wrong bearer token'),
};

const filterParams = [
  query('type', 'Only these event types (comma-separated or repeated)'),
  query('agent', 'Only events the agent emitted or subscribes to'),
  query('correlationId', 'Only events of this correlation'),
];

/** The OpenAPI 3.1 document (a fresh object each call). */
export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Troupe admin API',
      version: '1.0.0',
      description:
        'Desired state, agents, events, traces, dead letters and workspace of one Troupe runtime node. Errors are application/problem+json with a stable `code`.',
    },
    security: [{ bearer: [] }],
    paths: {
      '/livez': {
        get: { summary: 'Liveness', security: [], responses: { '200': ok('The process answers') } },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: transport and registered stores reachable',
          responses: { '200': ok('Ready'), '503': problem('A dependency is unreachable') },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          responses: {
            '200': { description: 'Text exposition format', content: { 'text/plain': {} } },
          },
        },
      },
      '/v1/openapi.json': {
        get: { summary: 'This document', responses: { '200': ok('OpenAPI 3.1') } },
      },
      '/v1/manifests': {
        get: {
          summary: 'List applied manifest documents',
          parameters: [query('kind', 'Only this kind (Agent, EventType, …)')],
          responses: { '200': ok('Applied documents'), ...COMMON_ERRORS },
        },
        post: {
          summary: 'Apply manifest files (validated and analysed on the node)',
          parameters: [
            query('dryRun', 'Validate and report without changing anything', { type: 'boolean' }),
          ],
          requestBody: body(ref('ManifestFiles')),
          responses: {
            '200': ok('Per-document changes, warnings and the reconcile plan', ref('ApplyOutcome')),
            ...COMMON_ERRORS,
            '413': problem('Body over the size limit'),
            '422': problem('Invalid manifests (data.diagnostics)'),
          },
        },
      },
      '/v1/manifests/diff': {
        post: {
          summary: 'What applying the files would change',
          requestBody: body(ref('ManifestFiles')),
          responses: {
            '200': ok('Changes with YAML diffs'),
            ...COMMON_ERRORS,
            '422': problem('Invalid manifests'),
          },
        },
      },
      '/v1/manifests/{kind}/{name}': {
        parameters: [
          pathParam('kind', 'Manifest kind (case-insensitive)'),
          pathParam('name', 'metadata.name'),
        ],
        get: {
          summary: 'One applied document',
          responses: { '200': ok('The document'), '404': problem('Not applied') },
        },
        delete: {
          summary: 'Delete a document and reconcile',
          parameters: [
            query('force', 'Skip the analysis of the remaining set', { type: 'boolean' }),
          ],
          responses: {
            '200': ok('Deleted'),
            '404': problem('Not applied'),
            '422': problem('The remaining set is invalid'),
          },
        },
      },
      '/v1/agents': {
        get: {
          summary: 'Agents on this node',
          responses: { '200': ok('Agents'), ...COMMON_ERRORS },
        },
      },
      '/v1/agents/{name}': {
        parameters: [pathParam('name', 'Agent name')],
        get: {
          summary: 'One agent in detail',
          responses: { '200': ok('The agent'), '404': problem('Unknown agent') },
        },
      },
      '/v1/events': {
        get: {
          summary: 'Recent events this node observed',
          parameters: [
            ...filterParams,
            query('limit', 'At most this many (newest)', { type: 'integer' }),
          ],
          responses: { '200': ok('Events, oldest first'), ...COMMON_ERRORS },
        },
        post: {
          summary: 'Publish an entry event; with `wait`, await the first outcome of those types',
          requestBody: body(ref('PublishRequest')),
          responses: {
            '200': ok('Published and awaited: { request, result }'),
            '202': ok('Published: { event }'),
            ...COMMON_ERRORS,
            '403': problem('Not an entry type'),
            '404': problem('Unknown event type'),
            '413': problem('Body over the size limit'),
            '422': problem('Payload fails the type schema'),
            '504': problem('No awaited event within timeoutMs (data.correlationId)'),
          },
        },
      },
      '/v1/events/stream': {
        get: {
          summary: 'Live events as server-sent events (data: the CloudEvent JSON)',
          parameters: [
            ...filterParams,
            query('recent', 'Send this many recent matching events first', { type: 'integer' }),
          ],
          responses: {
            '200': { description: 'text/event-stream', content: { 'text/event-stream': {} } },
          },
        },
      },
      '/v1/event-types': {
        get: { summary: 'Event types of the desired state', responses: { '200': ok('Types') } },
      },
      '/v1/traces/{correlationId}': {
        parameters: [pathParam('correlationId', 'Correlation id')],
        get: {
          summary: 'Causal tree of a correlation (archive, else recent events)',
          parameters: [query('format', 'json (default) or text (the terminal tree)')],
          responses: { '200': ok('The trace'), '404': problem('Unknown correlation') },
        },
      },
      '/v1/agents/{name}/replay': {
        parameters: [pathParam('name', 'Agent name')],
        post: {
          summary: 'Re-deliver archived events to this agent only (needs the event archive)',
          requestBody: body({
            type: 'object',
            properties: {
              ids: { type: 'array', items: { type: 'string' } },
              correlationId: { type: 'string' },
              from: { type: 'string', description: 'RFC 3339' },
              to: { type: 'string', description: 'RFC 3339' },
              dryRun: { type: 'boolean' },
              limit: { type: 'integer' },
            },
          }),
          responses: {
            '200': ok('What was replayed'),
            ...COMMON_ERRORS,
            '404': problem('Agent not on this node'),
          },
        },
      },
      '/v1/dlq': {
        get: { summary: 'Dead-letter counts per agent', responses: { '200': ok('Counts') } },
      },
      '/v1/dlq/{agent}': {
        parameters: [pathParam('agent', 'Agent name')],
        get: {
          summary: 'Dead letters of an agent',
          parameters: [query('limit', 'At most this many', { type: 'integer' })],
          responses: { '200': ok('Dead letters, oldest first'), '404': problem('Unknown agent') },
        },
        delete: {
          summary: 'Purge dead letters (all, or the given ids)',
          parameters: [query('id', 'Only these ids (comma-separated or repeated)')],
          responses: { '200': ok('{ purged }'), '404': problem('Unknown agent') },
        },
      },
      '/v1/dlq/{agent}/replay': {
        parameters: [pathParam('agent', 'Agent name')],
        post: {
          summary: 'Re-deliver dead letters to the agent (ids, or all: true)',
          requestBody: body({
            type: 'object',
            properties: {
              ids: { type: 'array', items: { type: 'string' } },
              all: { type: 'boolean' },
            },
          }),
          responses: {
            '200': ok('{ replayed }'),
            ...COMMON_ERRORS,
            '404': problem('Unknown agent'),
          },
        },
      },
      '/v1/workspace': {
        get: {
          summary: 'Search the workspace',
          parameters: [
            query('scope', 'One scope (default: every scope)'),
            query('text', 'Substring of key or value'),
            query('tags', 'Entries carrying all these tags'),
            query('limit', 'At most this many', { type: 'integer' }),
          ],
          responses: { '200': ok('Entries'), '501': problem('No workspace store on this node') },
        },
      },
      '/v1/workspace/{scope}/{key}': {
        parameters: [
          pathParam('scope', 'Scope (a correlation id or global)'),
          pathParam('key', 'Entry key'),
        ],
        get: {
          summary: 'One workspace entry',
          responses: { '200': ok('The entry'), '404': problem('No such entry') },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'TROUPE_TOKEN' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail', 'code'],
          properties: {
            type: { type: 'string', format: 'uri' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string', description: 'Stable error code (ErrorCode)' },
            data: { type: 'object' },
          },
        },
        ManifestFiles: {
          type: 'object',
          required: ['files'],
          properties: {
            files: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['path', 'text'],
                properties: {
                  path: { type: 'string', description: "Relative to the node's project root" },
                  text: { type: 'string', description: 'YAML, one or more documents' },
                },
              },
            },
          },
        },
        ApplyOutcome: {
          type: 'object',
          properties: {
            dryRun: { type: 'boolean' },
            changes: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  kind: { type: 'string' },
                  name: { type: 'string' },
                  action: { enum: ['created', 'configured', 'unchanged'] },
                  path: { type: 'string' },
                },
              },
            },
            diagnostics: { type: 'array', items: { type: 'object' } },
            plan: { type: 'object' },
          },
        },
        PublishRequest: {
          type: 'object',
          required: ['type'],
          properties: {
            type: { type: 'string', description: 'An entry event type' },
            data: { description: 'Payload, checked against the type schema' },
            correlationId: { type: 'string' },
            subject: { type: 'string' },
            wait: {
              type: 'array',
              items: { type: 'string' },
              description: 'Await the first event of these types',
            },
            timeoutMs: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
  };
}
