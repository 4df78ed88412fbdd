// The handler's view of the runtime (DESIGN.md §5). The worker thread implements it for real;
// `createTestContext()` implements it for unit tests of handlers. Capabilities that later
// packages provide (workspace, sql, tools, llm) are typed here so handlers compile against core.
import type { CloudEvent } from '../envelope/event.js';
import type {
  LlmCapability,
  SqlCapability,
  ToolsCapability,
  WorkspaceCapability,
} from './capabilities.js';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything: the default where logging is optional, and in tests. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface EmitOptions {
  /** CloudEvents `subject` of the emitted event. */
  subject?: string;
}

export interface HandlerContext<TConfig extends Record<string, unknown> = Record<string, unknown>> {
  /** The input event. */
  readonly event: CloudEvent;
  /** 1-based attempt number (2 on the first retry). */
  readonly attempt: number;
  /** Name of the agent this handler runs as. */
  readonly agent: string;
  /** Aborted at the handler timeout or on shutdown: pass it to fetch, SQL, tool calls. */
  readonly signal: AbortSignal;
  /** The agent's `spec.config`. */
  readonly config: Readonly<TConfig>;
  readonly log: Logger;
  /**
   * Emit an event of a type the agent declares in `emits`. Emissions are committed together
   * with the input's acknowledgement only when the handler returns without throwing.
   */
  emit(type: string, data: unknown, options?: EmitOptions): void;
  /**
   * The shared workspace, bound to the event's correlation id. Throws CAPABILITY_UNAVAILABLE on
   * use when the runtime has no workspace store.
   */
  readonly workspace: WorkspaceCapability;
  /**
   * The guarded SQL connection `name` (a `type: sql` Connection the agent lists in
   * `spec.connections`), created on first use and reused. Throws CAPABILITY_UNAVAILABLE otherwise.
   */
  sql(name: string): SqlCapability;
  /** The LLM connection `name` (`type: llm`, listed in `spec.connections`), like `sql`. */
  llm(name: string): LlmCapability;
  /** MCP tools of the agent's `type: mcp` connections. */
  readonly tools: ToolsCapability;
}

/** A handler module's default export. */
export type Handler<
  TData = unknown,
  TConfig extends Record<string, unknown> = Record<string, unknown>,
> = (event: CloudEvent<TData>, ctx: HandlerContext<TConfig>) => Promise<void> | void;
