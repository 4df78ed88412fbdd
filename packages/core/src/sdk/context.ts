// The handler's view of the runtime (DESIGN.md §5). The worker thread implements it for real;
// `createTestContext()` implements it for unit tests of handlers. Capabilities that later
// packages provide (workspace, sql, tools, llm) are typed here so handlers compile against core.
import type { CloudEvent } from '../envelope/event.js';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

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
}

/** A handler module's default export. */
export type Handler<
  TData = unknown,
  TConfig extends Record<string, unknown> = Record<string, unknown>,
> = (event: CloudEvent<TData>, ctx: HandlerContext<TConfig>) => Promise<void> | void;
