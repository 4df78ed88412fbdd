// The capabilities a handler reaches through its context (DESIGN.md §5): `ctx.sql(name)`,
// `ctx.llm(name)`, `ctx.workspace`, `ctx.tools`. Core has no I/O, so these are the structural
// shapes only; @troupe/adapters (SqlClient, LlmClient) and @troupe/runtime (the scoped workspace)
// provide objects that satisfy them, and `createTestContext` accepts fakes of the same shapes.

/** SQL dialects a `type: sql` connection speaks. */
export type SqlCapabilityDialect = 'sqlite' | 'postgresql' | 'mysql';

/** The result of a guarded read. */
export interface SqlReadResult {
  /** Column names in select-list order. */
  columns: string[];
  /** At most `rowLimit` rows, keyed by column name. */
  rows: Record<string, unknown>[];
  /** `rows.length`. */
  rowCount: number;
  /** True when the query had more rows than the row cap (they were not returned). */
  truncated: boolean;
}

/** Per-call limits of a guarded read. */
export interface SqlReadOptions {
  /** Aborts the query; pass `ctx.signal`. */
  signal?: AbortSignal;
  /** Rows returned at most; more set `truncated`. Default: the connection's (1000). */
  rowLimit?: number;
  /** Statement timeout in ms. Default: the connection's (30000). */
  timeoutMs?: number;
}

/**
 * `ctx.sql(name)`: a guarded SQL connection (in the runtime, an `SqlClient` of
 * @troupe/adapters, created once per worker thread and reused).
 */
export interface SqlCapability {
  readonly dialect: SqlCapabilityDialect;
  /** The connection is read-only (`spec.readOnly`). */
  readonly readOnly: boolean;
  /**
   * A guarded read: one read-only SELECT, allowlisted tables, no denied functions, row cap and
   * statement timeout. Throws SQL_REFUSED (the database was never touched), SQL_TIMEOUT or
   * SQL_ERROR (`data.kind` says unknown-column, unknown-table, syntax…).
   */
  select(sql: string, options?: SqlReadOptions): Promise<SqlReadResult>;
}

/** One chat message of the OpenAI-compatible protocol. */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Per-call options of `chat`. */
export interface LlmChatOptions {
  /** Cancels the request; pass `ctx.signal`. */
  signal?: AbortSignal;
  /** Sent as `response_format`. Default: not sent (free text). */
  responseFormat?:
    | { type: 'text' }
    | { type: 'json_object' }
    | {
        type: 'json_schema';
        json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean };
      };
  /** Sent as `max_tokens`. Default: not sent. */
  maxTokens?: number;
}

/** The reply of `chat`. */
export interface LlmChatResult {
  /** The first choice's message content. */
  content: string;
  usage?: { promptTokens: number; completionTokens: number; totalTokens: number };
  model?: string;
  finishReason?: string;
}

/**
 * `ctx.llm(name)`: a chat-completions client for a `type: llm` connection. A connection whose
 * `baseUrl` is `offline` has no server: `offline` is true and `chat` throws LLM_ERROR; handlers
 * use the offline translator of @troupe/adapters instead.
 */
export interface LlmCapability {
  readonly model: string;
  readonly baseUrl: string;
  /** True when the connection is the built-in offline provider (`baseUrl: offline`). */
  readonly offline: boolean;
  /** One completion at temperature 0. Throws LLM_ERROR, LLM_TIMEOUT or RetryAfterError. */
  chat(messages: readonly LlmMessage[], options?: LlmChatOptions): Promise<LlmChatResult>;
}

/** One workspace entry as a handler sees it. Timestamps are epoch milliseconds. */
export interface WorkspaceItem<T = unknown> {
  readonly scope: string;
  readonly key: string;
  readonly value: T;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  /** 1 on creation, +1 on every put. */
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiresAt?: number;
  readonly createdBy?: string;
}

/** Options of `ctx.workspace.put` (see the runtime's WorkspaceStore for the full contract). */
export interface WorkspacePutOptions {
  /** Tags to find the entry by. Default none. */
  readonly tags?: readonly string[];
  /** JSON object stored beside the value. Default `{}`. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Time to live in ms. Default: no expiry. */
  readonly ttlMs?: number;
  /** Compare-and-set on the current version (`0`: only if absent). Default: unconditional. */
  readonly ifVersion?: number;
}

/** Options of `ctx.workspace.update`. */
export interface WorkspaceUpdateOptions {
  /** Conflicts retried before WORKSPACE_CONFLICT is thrown. Default 100. */
  readonly retries?: number;
  readonly tags?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly ttlMs?: number;
}

/** Filters of `list` / `search`. */
export interface WorkspaceQuery {
  /** Only entries carrying every one of these tags. */
  readonly tags?: readonly string[];
  /** `list`: only keys starting with this. */
  readonly prefix?: string;
  /** `search`: case-insensitive substring of the key or the value's JSON. */
  readonly text?: string;
  /** `search`: look in every scope instead of this one. Default false. */
  readonly allScopes?: boolean;
  /** At most this many entries. Default 1000. */
  readonly limit?: number;
}

/**
 * `ctx.workspace`: the shared workspace bound to the event's correlation id, so a workflow's
 * agents share results without passing a scope. Puts record the agent as `createdBy`.
 */
export interface WorkspaceCapability {
  /** The bound scope (the correlation id, or `'global'`). */
  readonly scope: string;
  put<T = unknown>(key: string, value: T, options?: WorkspacePutOptions): Promise<WorkspaceItem<T>>;
  get<T = unknown>(key: string): Promise<WorkspaceItem<T> | undefined>;
  list(options?: WorkspaceQuery): Promise<WorkspaceItem[]>;
  search(options?: WorkspaceQuery): Promise<WorkspaceItem[]>;
  delete(key: string, options?: { readonly ifVersion?: number }): Promise<boolean>;
  /** Read, compute, compare-and-set, retried on conflict: concurrent updaters lose no update. */
  update<T = unknown>(
    key: string,
    fn: (current: T | undefined) => T | Promise<T>,
    options?: WorkspaceUpdateOptions,
  ): Promise<WorkspaceItem<T>>;
  /** The same operations on the global scope. */
  readonly global: WorkspaceCapability;
  /** The same operations on another scope (e.g. an earlier workflow's correlation id). */
  of(scope: string): WorkspaceCapability;
}

/** Per-call options of `ctx.tools.call`. */
export interface ToolCallOptions {
  /**
   * Abort the call after this many ms: MCP_ERROR with `data.kind: 'timeout'` (retryable, so the
   * agent's retry policy applies). Default: the connection's (60 s). The handler's own deadline
   * (`ctx.signal`) aborts the call in any case.
   */
  timeoutMs?: number;
  /** Also abort the call on this signal (`ctx.signal` is always combined in). */
  signal?: AbortSignal;
}

/** `ctx.tools`: MCP tools of the agent's `type: mcp` connections. */
export interface ToolsCapability {
  /**
   * Call `tool` on the MCP server of connection `connection` with `args`; resolves with the
   * tool's result. Throws CAPABILITY_UNAVAILABLE when the agent does not list the connection,
   * MCP_ERROR (`data.kind`: timeout, connect, protocol, tool-error, unknown-tool) or
   * MCP_TOOL_CHANGED (the tool changed since it was pinned).
   */
  call(
    connection: string,
    tool: string,
    args?: Record<string, unknown>,
    options?: ToolCallOptions,
  ): Promise<unknown>;
}
