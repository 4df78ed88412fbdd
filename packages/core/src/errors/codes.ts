// Stable error codes. A code, once published, keeps its meaning: tools and the DLQ match on the
// code, never on message text. Each entry says when it fires and what `data` holds.
export const ErrorCode = {
  /** Anything not otherwise classified. data: none. */
  Unknown: 'UNKNOWN',
  /** A handler threw a plain Error. data: none. */
  HandlerFailed: 'HANDLER_FAILED',
  /** Thrown by a handler to skip retries. data: whatever the handler attached. */
  NonRetryable: 'NON_RETRYABLE',
  /** Thrown by a handler to retry after a given delay. data: { delayMs }. */
  RetryAfter: 'RETRY_AFTER',
  /** The handler ran past `timeoutMs`. data: { timeoutMs }. */
  HandlerTimeout: 'HANDLER_TIMEOUT',
  /** The worker thread died (exit, uncaught error, out of memory) or was terminated. data: { reason }. */
  WorkerCrashed: 'WORKER_CRASHED',
  /** The handler module could not be loaded or has no default export function. data: { handler }. */
  HandlerLoad: 'HANDLER_LOAD',
  /** An event payload failed its EventType schema. data: { type, errors: string[] }. */
  SchemaInvalid: 'SCHEMA_INVALID',
  /** Text that should hold a CloudEvents envelope does not: not JSON, or required fields missing or mistyped. Not retryable. data: { problems: string[] }. */
  EventInvalid: 'EVENT_INVALID',
  /** An event exceeded the agent's maxHops. data: { hops, maxHops }. */
  HopLimit: 'HOP_LIMIT',
  /**
   * A correlation exceeded its event budget. data: { correlationId, budget }; a commit the
   * transport refused also has `total` (the count, refused emissions included).
   */
  BudgetExceeded: 'BUDGET_EXCEEDED',
  /** An event exceeded the payload size cap. data: { bytes, limit }. */
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** A handler emitted a type it did not declare in `emits`. data: { type, declared: string[] }. */
  UndeclaredEmission: 'UNDECLARED_EMISSION',
  /** The agent's circuit breaker is open. data: { agent }. */
  BreakerOpen: 'BREAKER_OPEN',
  /** The transport (Redis) could not be reached. data: { cause? }. */
  TransportUnavailable: 'TRANSPORT_UNAVAILABLE',
  /** Manifest YAML could not be parsed. data: { diagnostics }. */
  ManifestParse: 'MANIFEST_PARSE',
  /** Manifests failed validation or static analysis. data: { diagnostics }. */
  ManifestInvalid: 'MANIFEST_INVALID',
  /** A configuration/option value is invalid. data: { field }. */
  InvalidOption: 'INVALID_OPTION',
  /** Something named does not exist (agent, connection, DLQ entry). data: { kind, name }. */
  NotFound: 'NOT_FOUND',
  /** An operation did not finish in time (await, shutdown). data: { timeoutMs }. */
  Timeout: 'TIMEOUT',
  /** A workspace compare-and-set lost: the entry's version is not `ifVersion`. data: { scope, key, expectedVersion, actualVersion }. */
  WorkspaceConflict: 'WORKSPACE_CONFLICT',
  /** The SQL guard refused a statement before it reached the database (or the read-only safety net refused a write). data: { layer, reason, dialect, table?, function? }. Not retryable. */
  SqlRefused: 'SQL_REFUSED',
  /** A guarded SQL read ran past its statement timeout or was aborted. data: { timeoutMs, dialect, driverCode? }. */
  SqlTimeout: 'SQL_TIMEOUT',
  /** The database rejected a guarded read. data: { dialect, driverCode, kind: 'unknown-column'|'unknown-table'|'syntax'|'connection'|'other' }. */
  SqlError: 'SQL_ERROR',
  /** An LLM (OpenAI-compatible chat completions) call failed: HTTP status, network, or a reply that breaks the protocol. Retryable for 429, 5xx and network errors; not for other 4xx, protocol or configuration errors. data: { kind: 'http'|'network'|'protocol', status?, baseUrl, model, body? (first 500 chars) }. A 429/5xx with Retry-After is a RetryAfterError (code RETRY_AFTER) with the same data. */
  LlmError: 'LLM_ERROR',
  /** An LLM call ran past its timeout or the caller's signal aborted it. Retryable. data: { timeoutMs, aborted, baseUrl, model }. */
  LlmTimeout: 'LLM_TIMEOUT',
  /** An admin API request lacked the bearer token or carried a wrong one. data: none. */
  Unauthorized: 'UNAUTHORIZED',
  /** A malformed request to the admin API (invalid JSON, missing or mistyped field). data: { field? }. */
  BadRequest: 'BAD_REQUEST',
  /** An event type that is not declared `entry: true` was published from outside. data: { type }. */
  NotEntryType: 'NOT_ENTRY_TYPE',
  /** A handler asked for a capability it may not use or that is not available: a connection its agent does not list in `spec.connections`, one of the wrong type, a workspace the runtime was not given, MCP tools before MCP support. Not retryable. data: { capability: 'sql'|'llm'|'tools'|'workspace', name?, reason: 'not-listed'|'unknown-connection'|'wrong-type'|'not-configured'|'unsupported' }. */
  CapabilityUnavailable: 'CAPABILITY_UNAVAILABLE',
  /** An external MCP tool's name, input schema or description differs from the hash pinned at first connection (a "rug pull"): calls are refused until `approveTool`. Not retryable. data: { connection, tool, pinned, current, removed? }. */
  McpToolChanged: 'MCP_TOOL_CHANGED',
  /** A call to an external MCP server failed: it could not be started or reached (`connect`, retryable), the protocol failed (`protocol`, retryable), the call timed out or was aborted (`timeout`, retryable), the tool does not exist (`unknown-tool`, not retryable), or the tool answered with an error result (`tool-error`, not retryable). data: { kind, connection, tool?, timeoutMs?, content? }. */
  McpError: 'MCP_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
