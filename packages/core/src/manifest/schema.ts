// The JSON Schema (draft-07) of the v1 manifest contract (DESIGN.md §3), as a typed constant.
// It is the source of truth for validation and is checked in verbatim as
// `packages/core/schema/manifest.schema.json` for editors (a test keeps the two identical;
// `pnpm exec tsx packages/core/scripts/write-schema.ts` is not needed: see schema.test.ts).
// One definition per kind, selected by `kind` (a `discriminator`), with `additionalProperties:
// false` on every fixed-shape object so that typos become errors with a "did you mean".
import { AGENT_USES, API_VERSION, MANIFEST_KINDS } from './types.js';

type SchemaNode = Record<string, unknown>;

/** metadata.name of every kind but EventType: a DNS label (RFC 1123). */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** Tool metadata.name: MCP clients show and call tools by it; `_` is the MCP convention. */
export const TOOL_NAME_PATTERN = '^[a-z][a-z0-9_-]*$';
/** Event type names (EventType metadata.name and every type reference). */
export const EVENT_TYPE_PATTERN = '^[A-Za-z][A-Za-z0-9_.-]*$';
/** A secret reference: the name of an environment variable. */
export const ENV_REF_PATTERN = '^env:[A-Za-z_][A-Za-z0-9_]*$';

const ref = (name: string): SchemaNode => ({ $ref: `#/definitions/${name}` });

const int = (description: string, minimum: number, extra: SchemaNode = {}): SchemaNode => ({
  type: 'integer',
  minimum,
  description,
  ...extra,
});

/** `then` branch of a conditional requirement (properties listed so ajv's strictRequired holds). */
const requires = (field: string): SchemaNode => ({
  properties: { [field]: true },
  required: [field],
});

const typeList = (description: string): SchemaNode => ({
  type: 'array',
  items: ref('eventTypeName'),
  uniqueItems: true,
  description,
});

/** A closed object: every nested fixed-shape object gets `additionalProperties: false`. */
const closed = (
  description: string,
  properties: Record<string, SchemaNode>,
  required: readonly string[] = [],
  extra: SchemaNode = {},
): SchemaNode => ({
  type: 'object',
  description,
  additionalProperties: false,
  ...(required.length > 0 ? { required: [...required] } : {}),
  properties,
  ...extra,
});

/** A whole document of one kind. */
const documentOf = (kind: string, metadata: string, spec: SchemaNode): SchemaNode => ({
  type: 'object',
  description: `A ${kind} manifest.`,
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: API_VERSION, description: `Always '${API_VERSION}'.` },
    kind: { const: kind },
    metadata: ref(metadata),
    spec,
  },
});

const labels: SchemaNode = {
  type: 'object',
  description: 'Free-form string labels (e.g. system: nl2sql), used for selection and display.',
  propertyNames: { pattern: '^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$', maxLength: 253 },
  additionalProperties: { type: 'string', maxLength: 253 },
};

const retry = closed('Retry policy for a failing handler.', {
  attempts: int('Total attempts including the first.', 1, { maximum: 100, default: 3 }),
  backoff: {
    enum: ['exponential', 'fixed', 'linear'],
    default: 'exponential',
    description: 'How the delay grows between attempts.',
  },
  initialDelayMs: int('Delay before the first retry, in ms.', 0, { default: 200 }),
  maxDelayMs: int('Upper bound of any retry delay, in ms.', 0, { default: 10000 }),
  jitter: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    default: 0.2,
    description: 'Fraction of each delay that is randomised, 0..1.',
  },
});

const breaker = closed('Circuit breaker: stop reading while the handler keeps failing.', {
  failureThreshold: int('Consecutive failures that open the breaker.', 1, { default: 5 }),
  resetTimeoutMs: int('How long the breaker stays open before one half-open trial, in ms.', 1, {
    default: 30000,
  }),
});

const subscription = closed(
  'One subscription: an event type and an optional content filter.',
  {
    type: ref('eventTypeName'),
    where: {
      type: 'object',
      description:
        'Content-based routing: every path (dot-separated, from the event root, e.g. data.dialect) must equal its value.',
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    },
  },
  ['type'],
);

/** A `not` that names the one field it forbids, with the reason as its message. */
const forbids = (field: string, reason: string): SchemaNode => ({
  not: { description: reason, properties: { [field]: true }, required: [field] },
});

const HANDLER_DESCRIPTION =
  'Handler module, relative to this file and inside the project root; its default export is the handler.';

const agentTool = closed(
  'With uses: mcp-tool, the MCP tool called once per event.',
  {
    connection: {
      ...ref('dnsLabel'),
      description: 'A Connection of type mcp (the agent needs no spec.connections entry for it).',
    },
    name: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      description: 'The tool name as the MCP server lists it.',
    },
    arguments: {
      type: ['object', 'string'],
      description:
        "Tool arguments. String values may hold '{{ path }}' templates over the event (data.city, subject, correlationid…): a value that is one whole template keeps the JSON type of what it points at, other strings interpolate. A single whole template (e.g. '{{ data }}') must point at a mapping. A path the event lacks fails the event without retries.",
    },
    timeoutMs: int(
      'Per-call timeout in ms (a timeout is retried per spec.retry); at most spec.timeoutMs. Default: spec.timeoutMs.',
      1,
    ),
    result: {
      ...ref('eventTypeName'),
      description: "Event type emitted with the tool's result: { tool, connection, result }.",
    },
    failure: {
      ...ref('eventTypeName'),
      description:
        'Event type emitted when the tool answers with an error result: { tool, connection, error }. Without it such an event is dead-lettered.',
    },
  },
  ['connection', 'name', 'result'],
);

const agentSpec = closed(
  'What the agent listens to, what it emits, and how it runs.',
  {
    handler: { type: 'string', minLength: 1, description: HANDLER_DESCRIPTION },
    uses: {
      enum: [...AGENT_USES],
      description:
        'A built-in handler instead of a handler module (mcp-tool: call spec.tool once per event).',
    },
    tool: agentTool,
    subscribe: {
      type: 'array',
      minItems: 1,
      items: subscription,
      description: 'Event types the agent consumes.',
    },
    emits: typeList('Event types the handler may emit (anything else is refused at runtime).'),
    concurrency: int('In-flight events per runtime node.', 1, { maximum: 10000, default: 4 }),
    timeoutMs: int('Handler timeout in ms; the handler is aborted past it.', 1, { default: 30000 }),
    retry,
    breaker,
    maxHops: int('Events with more hops than this go to the DLQ (runaway loops).', 1, {
      maximum: 1000,
      default: 32,
    }),
    connections: {
      type: 'array',
      items: ref('dnsLabel'),
      uniqueItems: true,
      description: 'Connection names the handler may use.',
    },
    config: {
      type: 'object',
      description: 'Free-form configuration handed to the handler as ctx.config.',
    },
    allowCycles: {
      type: 'boolean',
      default: false,
      description: 'Allow this agent to sit on a cycle of the choreography graph.',
    },
  },
  ['subscribe'],
  {
    // Exactly one of handler and uses; tool goes with uses.
    if: { properties: { uses: true }, required: ['uses'] },
    then: {
      properties: { tool: { description: 'The MCP tool the built-in handler calls.' } },
      required: ['tool'],
      allOf: [
        forbids('handler', "'handler' and 'uses' are mutually exclusive: remove one"),
        // Read only by handler code: with a built-in they would be silently ignored.
        forbids('config', "'config' is not read by a built-in handler (uses): remove it"),
        forbids(
          'connections',
          "a built-in handler (uses) needs no 'connections': spec.tool.connection is granted",
        ),
      ],
    },
    else: {
      properties: { handler: { description: HANDLER_DESCRIPTION } },
      required: ['handler'],
      ...forbids('tool', "'tool' is only read by a built-in handler: add uses: mcp-tool"),
    },
  },
);

const eventTypeSpec = closed('The role and data schema of one event type.', {
  entry: {
    type: 'boolean',
    default: false,
    description: 'May be published from outside (CLI, API, MCP).',
  },
  terminal: {
    type: 'boolean',
    default: false,
    description: 'A final result: nobody needs to consume it.',
  },
  schema: { type: 'object', description: 'JSON Schema (draft-07) of the event data.' },
  description: { type: 'string', description: 'What the event means.' },
});

const quorum = closed(
  'When the aggregate is complete.',
  {
    policy: {
      enum: ['all', 'majority', 'allMinusOne', 'count', 'weighted'],
      default: 'all',
      description:
        'all | majority | allMinusOne | count (needs count) | weighted (needs threshold).',
    },
    count: int('For policy count: how many collected types complete the aggregate.', 1),
    weights: {
      type: 'object',
      description: 'For policy weighted: weight per collected type (missing types weigh 1).',
      propertyNames: { pattern: EVENT_TYPE_PATTERN },
      additionalProperties: { type: 'number', minimum: 0 },
    },
    threshold: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'For policy weighted: total weight that meets the quorum.',
    },
  },
  ['policy'],
  {
    allOf: [
      { if: { properties: { policy: { const: 'count' } } }, then: requires('count') },
      { if: { properties: { policy: { const: 'weighted' } } }, then: requires('threshold') },
    ],
  },
);

const aggregatorSpec = closed(
  'Declarative fan-in by correlation id.',
  {
    collect: { ...typeList('Event types to collect per correlation id.'), minItems: 1 },
    quorum,
    timeoutMs: int('On timeout, emit with complete=false and the missing types, in ms.', 1, {
      default: 60000,
    }),
    emits: { ...ref('eventTypeName'), description: 'The aggregate event type.' },
  },
  ['collect', 'emits'],
);

const sagaStep = closed(
  'One step: a command and the replies that end it.',
  {
    name: { ...ref('dnsLabel'), description: 'Step name, unique in the saga.' },
    command: { ...ref('eventTypeName'), description: 'Event type the saga emits to run the step.' },
    success: { ...ref('eventTypeName'), description: 'Reply type that completes the step.' },
    failure: { ...ref('eventTypeName'), description: 'Reply type that fails the step.' },
    compensate: {
      ...ref('eventTypeName'),
      description: 'Event type emitted to undo the step when a later step fails.',
    },
    timeoutMs: int('Step timeout in ms (counts as failure).', 1),
  },
  ['name', 'command', 'success', 'failure'],
);

const sagaSpec = closed(
  'Explicit orchestration with compensations.',
  {
    trigger: { ...ref('eventTypeName'), description: 'Event type that starts the saga.' },
    steps: { type: 'array', minItems: 1, items: sagaStep, description: 'Steps, run in order.' },
    timeoutMs: int('Whole-saga timeout in ms.', 1, { default: 120000 }),
    emits: closed(
      'Outcome event types.',
      { completed: ref('eventTypeName'), failed: ref('eventTypeName') },
      ['completed', 'failed'],
    ),
  },
  ['trigger', 'steps', 'emits'],
);

const stringMap = (description: string): SchemaNode => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
});

const sqlConnection = closed(
  'A SQL database reached through knex.',
  {
    type: { const: 'sql' },
    client: {
      enum: ['sqlite', 'better-sqlite3', 'pg', 'postgres', 'mysql', 'mysql2'],
      description: 'knex client.',
    },
    connection: {
      type: ['object', 'string'],
      description:
        'knex connection: an object (filename relative to this file for sqlite), or a URL / env:NAME.',
    },
    readOnly: { type: 'boolean', default: true, description: 'Refuse writes.' },
    allowTables: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      description: 'Only these tables may be read (all when absent).',
    },
  },
  ['type', 'client', 'connection'],
);

const mcpConnection = closed(
  'An MCP server whose tools handlers may call.',
  {
    type: { const: 'mcp' },
    transport: { enum: ['stdio', 'http'], description: 'stdio needs command; http needs url.' },
    command: { type: 'string', minLength: 1, description: 'stdio: the server command.' },
    args: { type: 'array', items: { type: 'string' }, description: 'stdio: its arguments.' },
    env: stringMap('stdio: environment for the server (secrets as env:NAME).'),
    url: { type: 'string', format: 'uri', description: 'http: the server URL.' },
    headers: stringMap('http: request headers (secrets as env:NAME).'),
  },
  ['type', 'transport'],
  {
    allOf: [
      { if: { properties: { transport: { const: 'stdio' } } }, then: requires('command') },
      { if: { properties: { transport: { const: 'http' } } }, then: requires('url') },
    ],
  },
);

const llmConnection = closed(
  'An OpenAI-compatible LLM endpoint.',
  {
    type: { const: 'llm' },
    baseUrl: {
      type: 'string',
      minLength: 1,
      description:
        "OpenAI-compatible base URL, or 'offline' for the built-in deterministic provider.",
    },
    model: { type: 'string', minLength: 1, description: 'Model name.' },
    apiKey: {
      type: 'string',
      description: 'The API key as env:NAME (never a literal secret).',
    },
    timeoutMs: int('Request timeout in ms.', 1, { default: 60000 }),
  },
  ['type', 'baseUrl', 'model'],
);

const toolSpec = closed(
  'A tool exposed to MCP clients: publish an event, wait for the outcome.',
  {
    description: {
      type: 'string',
      minLength: 1,
      description: 'What the tool does (shown to LLMs).',
    },
    input: { type: 'object', description: 'JSON Schema of the tool arguments (type: object).' },
    publish: { ...ref('eventTypeName'), description: 'Event type published with the arguments.' },
    until: closed(
      'Outcome event types (same correlation id) that end the call.',
      {
        success: { ...typeList('Types that end the call with a result.'), minItems: 1 },
        failure: typeList('Types that end the call with an error.'),
      },
      ['success'],
    ),
    timeoutMs: int('Call timeout in ms.', 1, { default: 60000 }),
  },
  ['description', 'input', 'publish', 'until'],
);

/** The manifest JSON Schema (draft-07). Do not mutate. */
export const manifestSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://troupe.dev/schemas/v1/manifest.schema.json',
  title: 'Troupe manifest (troupe.dev/v1)',
  description: 'One document of a Troupe manifest file, selected by kind.',
  type: 'object',
  required: ['kind'],
  properties: { kind: { enum: [...MANIFEST_KINDS] } },
  discriminator: { propertyName: 'kind' },
  oneOf: MANIFEST_KINDS.map((k) => ref(k)),
  definitions: {
    dnsLabel: {
      type: 'string',
      pattern: DNS_LABEL_PATTERN,
      maxLength: 63,
      description: "A DNS label: lowercase letters, digits and '-', at most 63 characters.",
    },
    eventTypeName: {
      type: 'string',
      pattern: EVENT_TYPE_PATTERN,
      maxLength: 253,
      description: "An event type name: a letter, then letters, digits, '_', '.', '-'.",
    },
    metadata: closed('Identity of the document.', { name: ref('dnsLabel'), labels }, ['name']),
    toolMetadata: closed(
      'Identity of the tool; the name is what MCP clients call (e.g. ask_database).',
      {
        name: {
          type: 'string',
          pattern: TOOL_NAME_PATTERN,
          maxLength: 64,
          description:
            "A tool name: a lowercase letter, then lowercase letters, digits, '_' or '-'.",
        },
        labels,
      },
      ['name'],
    ),
    eventTypeMetadata: closed(
      'Identity of the event type; the name is the event type name.',
      { name: ref('eventTypeName'), labels },
      ['name'],
    ),
    Agent: documentOf('Agent', 'metadata', agentSpec),
    EventType: documentOf('EventType', 'eventTypeMetadata', eventTypeSpec),
    Aggregator: documentOf('Aggregator', 'metadata', aggregatorSpec),
    Saga: documentOf('Saga', 'metadata', sagaSpec),
    Connection: documentOf('Connection', 'metadata', {
      type: 'object',
      description: 'A resource handlers may use: type sql, mcp or llm.',
      required: ['type'],
      properties: { type: { enum: ['sql', 'mcp', 'llm'] } },
      discriminator: { propertyName: 'type' },
      oneOf: [sqlConnection, mcpConnection, llmConnection],
    }),
    Tool: documentOf('Tool', 'toolMetadata', toolSpec),
  },
} as const satisfies SchemaNode;
