// The v1 manifest contract as TypeScript types (DESIGN.md §3). The JSON Schema in
// `schema/manifest.schema.json` is the source of truth for validation; these types mirror it.
// Field names here are a public contract: add fields, never rename.

export const API_VERSION = 'troupe.dev/v1';

export type ManifestKind = 'Agent' | 'EventType' | 'Aggregator' | 'Saga' | 'Connection' | 'Tool';

export const MANIFEST_KINDS: readonly ManifestKind[] = [
  'Agent',
  'EventType',
  'Aggregator',
  'Saga',
  'Connection',
  'Tool',
];

export interface Metadata {
  /** DNS label: lowercase letters, digits and '-', at most 63 characters. EventType names are free-form type names. */
  name: string;
  labels?: Record<string, string>;
}

/** JSON Schema (draft-07) as written in a manifest. */
export type JsonSchema = Record<string, unknown>;

export interface Subscription {
  type: string;
  /** Content-based routing: every path (dot-separated, from the event root) must equal its value. */
  where?: Record<string, string | number | boolean | null>;
}

export type BackoffKind = 'exponential' | 'fixed' | 'linear';

export interface RetrySpec {
  /** Total attempts including the first (>= 1). Default 3. */
  attempts?: number;
  /** Default exponential. */
  backoff?: BackoffKind;
  /** Default 200. */
  initialDelayMs?: number;
  /** Default 10000. */
  maxDelayMs?: number;
  /** Fraction of the delay randomised, 0..1. Default 0.2. */
  jitter?: number;
}

export interface BreakerSpec {
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** Time the breaker stays open before one half-open trial. Default 30000. */
  resetTimeoutMs?: number;
}

/** Built-in handlers an Agent may use instead of a handler module (`spec.uses`). */
export type AgentUses = 'mcp-tool';

export const AGENT_USES: readonly AgentUses[] = ['mcp-tool'];

/**
 * The MCP tool a `uses: mcp-tool` agent calls once per event (docs/decisions/0009). Strings in
 * `arguments` may hold `{{ path }}` templates over the event (`data.city`, `subject`, …): a
 * string that is one whole template keeps the value's JSON type, other strings interpolate.
 */
export interface AgentToolSpec {
  /** A `type: mcp` Connection. */
  connection: string;
  /** The tool's name as the server lists it. */
  name: string;
  /** The tool arguments: a mapping (templates in string values), or one whole template. */
  arguments?: Record<string, unknown> | string;
  /** Per-call timeout in ms (MCP_ERROR kind timeout, retried). Default: the agent's timeoutMs. */
  timeoutMs?: number;
  /** Event type emitted with the tool's result. */
  result: string;
  /** Event type emitted when the tool answers with an error result (isError). */
  failure?: string;
}

export interface AgentSpec {
  /**
   * Handler module, relative to the manifest file; its default export is the handler. Required
   * unless `uses` names a built-in handler.
   */
  handler?: string;
  /** A built-in handler instead of a module (mutually exclusive with `handler`). */
  uses?: AgentUses;
  /** With `uses: mcp-tool`: the tool to call. */
  tool?: AgentToolSpec;
  subscribe: Subscription[];
  emits?: string[];
  /** In-flight events per runtime node. Default 4. */
  concurrency?: number;
  /** Default 30000. */
  timeoutMs?: number;
  retry?: RetrySpec;
  breaker?: BreakerSpec;
  /** Default 32. */
  maxHops?: number;
  /** Connection names the handler may use. */
  connections?: string[];
  /** Free-form, handed to the handler as ctx.config. */
  config?: Record<string, unknown>;
  /** Allow this agent to sit on a cycle of the choreography graph. Default false. */
  allowCycles?: boolean;
}

export interface EventTypeSpec {
  /** May be published from outside (CLI, API, MCP). */
  entry?: boolean;
  /** Nobody needs to consume it (a final result). */
  terminal?: boolean;
  /** JSON Schema of `data`. */
  schema?: JsonSchema;
  description?: string;
}

export type QuorumPolicy = 'all' | 'majority' | 'allMinusOne' | 'count' | 'weighted';

export interface QuorumSpec {
  policy: QuorumPolicy;
  /** For `count`. */
  count?: number;
  /** For `weighted`: weight per collected type (missing types weigh 1). */
  weights?: Record<string, number>;
  /** For `weighted`: total weight that meets the quorum. */
  threshold?: number;
}

export interface AggregatorSpec {
  collect: string[];
  quorum?: QuorumSpec;
  timeoutMs?: number;
  emits: string;
}

export interface SagaStep {
  name: string;
  command: string;
  success: string;
  failure: string;
  compensate?: string;
  timeoutMs?: number;
}

export interface SagaSpec {
  trigger: string;
  steps: SagaStep[];
  timeoutMs?: number;
  emits: { completed: string; failed: string };
}

export interface SqlConnectionSpec {
  type: 'sql';
  client: 'sqlite' | 'better-sqlite3' | 'pg' | 'postgres' | 'mysql' | 'mysql2';
  /** knex connection: an object, or a URL / `env:NAME`. */
  connection: Record<string, unknown> | string;
  readOnly?: boolean;
  allowTables?: string[];
}

export interface McpConnectionSpec {
  type: 'mcp';
  transport: 'stdio' | 'http';
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  headers?: Record<string, string>;
}

export interface LlmConnectionSpec {
  type: 'llm';
  /** OpenAI-compatible base URL, or `offline` for the built-in deterministic provider. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
}

export type ConnectionSpec = SqlConnectionSpec | McpConnectionSpec | LlmConnectionSpec;

export interface ToolSpec {
  description: string;
  input: JsonSchema;
  publish: string;
  until: { success: string[]; failure?: string[] };
  timeoutMs?: number;
}

interface Doc<K extends ManifestKind, S> {
  apiVersion: typeof API_VERSION;
  kind: K;
  metadata: Metadata;
  spec: S;
}

export type AgentManifest = Doc<'Agent', AgentSpec>;
export type EventTypeManifest = Doc<'EventType', EventTypeSpec>;
export type AggregatorManifest = Doc<'Aggregator', AggregatorSpec>;
export type SagaManifest = Doc<'Saga', SagaSpec>;
export type ConnectionManifest = Doc<'Connection', ConnectionSpec>;
export type ToolManifest = Doc<'Tool', ToolSpec>;

export type Manifest =
  | AgentManifest
  | EventTypeManifest
  | AggregatorManifest
  | SagaManifest
  | ConnectionManifest
  | ToolManifest;

/** Where a manifest document came from. */
export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** A validated manifest document with its origin. Paths in `resolved` are absolute. */
export interface LoadedManifest<M extends Manifest = Manifest> {
  manifest: M;
  /** Location of the document's first line. */
  location: SourceLocation;
  /** Absolute path of the file the document came from. */
  file: string;
  /** The manifest's project root: nearest ancestor holding a package.json (or the file's dir). */
  projectRoot: string;
  /** Absolute, resolved handler path (an Agent with `spec.handler`; absent with `spec.uses`). */
  handlerPath?: string;
}

export type Severity = 'error' | 'warning';

/** One finding of the loader, validator or static analysis. */
export interface Diagnostic {
  severity: Severity;
  /** Stable code, e.g. `yaml-syntax`, `unknown-field`, `cycle`, `orphan-emission`. */
  code: string;
  message: string;
  /** Dotted path inside the document, e.g. `spec.retry.attempts`; empty at document level. */
  path: string;
  location?: SourceLocation;
  /** A fix hint ("did you mean 'subscribe'?"). */
  hint?: string;
}
