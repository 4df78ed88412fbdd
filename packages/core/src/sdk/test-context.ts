// Testing helpers for agent authors (STYLE.md §11): `createTestContext` builds a HandlerContext
// that records emissions and logs in memory, and `runHandler` runs a handler against it with a
// timeout, so a handler can be unit-tested without Redis, worker threads or a runtime. The rules
// the runtime enforces on emissions (declared types, JSON data) are enforced here too, so a test
// fails where production would.
import { createEvent, deriveEvent } from '../envelope/event.js';
import type { CloudEvent } from '../envelope/event.js';
import { ErrorCode } from '../errors/codes.js';
import { TroupeError } from '../errors/troupe-error.js';
import type {
  LlmCapability,
  SqlCapability,
  ToolsCapability,
  WorkspaceCapability,
} from './capabilities.js';
import { capabilityUnavailable } from './capability-errors.js';
import type { EmitOptions, Handler, HandlerContext, Logger } from './context.js';
import { createMemoryWorkspace } from './memory-workspace.js';

/** One `ctx.emit` call as recorded (data is the JSON copy consumers will receive). */
export interface RecordedEmission {
  readonly type: string;
  readonly data: unknown;
  readonly subject?: string;
}

/** One `ctx.log` call as recorded. */
export interface RecordedLog {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

export interface TestContextOptions<
  TData = unknown,
  TConfig extends Record<string, unknown> = Record<string, unknown>,
> {
  /** The input event. Default: one built with `createEvent` from `type` and `data`. */
  event?: CloudEvent<TData>;
  /** Type of the built input event (not with `event`). Default `test.event`. */
  type?: string;
  /** Data of the built input event (not with `event`). Default `{}`. */
  data?: TData;
  /** `ctx.config`. Default `{}`. */
  config?: TConfig;
  /** `ctx.attempt`, 1-based. Default 1. */
  attempt?: number;
  /** `ctx.agent`, also the source and id seed of derived events. Default `test-agent`. */
  agent?: string;
  /** The agent's declared `emits`: emitting another type throws UNDECLARED_EMISSION. Default: any type. */
  emits?: readonly string[];
  /** `runHandler` only: abort `ctx.signal` and stop waiting after this long. Default 5000. */
  timeoutMs?: number;
  /** Clock for the built input event and derived events' `time`. Default `Date.now`. */
  now?: () => number;
  /**
   * `ctx.sql(name)` answers: fakes or real clients by connection name. Another name throws
   * CAPABILITY_UNAVAILABLE (reason `not-listed`), as the runtime does. Default: none.
   */
  sql?: Readonly<Record<string, SqlCapability>>;
  /** `ctx.llm(name)` answers, like `sql`. Default: none. */
  llm?: Readonly<Record<string, LlmCapability>>;
  /**
   * `ctx.workspace`. Default: a fresh in-memory workspace bound to the event's correlation id.
   * Pass `createMemoryWorkspace(correlationId)` (or one view's `of(…)`) to share one between runs.
   */
  workspace?: WorkspaceCapability;
  /** `ctx.tools`. Default: one whose `call` throws CAPABILITY_UNAVAILABLE (reason `not-listed`). */
  tools?: ToolsCapability;
}

export interface TestContext<
  TData = unknown,
  TConfig extends Record<string, unknown> = Record<string, unknown>,
> {
  /** Pass this to the handler. */
  readonly ctx: HandlerContext<TConfig>;
  /** The input event (`ctx.event`, typed). */
  readonly event: CloudEvent<TData>;
  /** Every `ctx.emit`, in order. */
  readonly emitted: RecordedEmission[];
  /** Every `ctx.log` call, in order. */
  readonly logs: RecordedLog[];
  /**
   * The envelopes the runtime would commit for the emissions so far: ids deterministic from
   * (input id, agent, index), correlation inherited, causation = input id, hops + 1.
   */
  events(): CloudEvent[];
  /** Abort `ctx.signal` (as a timeout or shutdown would). */
  abort(reason?: unknown): void;
}

const DEFAULT_TEST_TIMEOUT_MS = 5000;
/** setTimeout fires at once beyond this (a signed 32-bit ms count). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function jsonCopy(type: string, data: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (e) {
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `emit('${type}'): data is not JSON-serializable (${e instanceof Error ? e.message : String(e)})`,
      { data: { field: 'data', type }, retryable: false },
    );
  }
  if (text === undefined)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `emit('${type}'): data must be a JSON value, got ${typeof data}`,
      { data: { field: 'data', type }, retryable: false },
    );
  return JSON.parse(text) as unknown;
}

/** A HandlerContext that records what the handler does. See `TestContextOptions` for defaults. */
export function createTestContext<
  TData = unknown,
  TConfig extends Record<string, unknown> = Record<string, unknown>,
>(options: TestContextOptions<TData, TConfig> = {}): TestContext<TData, TConfig> {
  if (options.event !== undefined && (options.type !== undefined || 'data' in options))
    throw new TroupeError(
      ErrorCode.InvalidOption,
      'createTestContext: give either `event` or `type`/`data`, not both',
      { data: { field: 'event' }, retryable: false },
    );
  const attempt = options.attempt ?? 1;
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `createTestContext: attempt must be an integer >= 1, got ${attempt}`,
      { data: { field: 'attempt' }, retryable: false },
    );
  const now = options.now ?? Date.now;
  const agent = options.agent ?? 'test-agent';
  const event =
    options.event ??
    createEvent<TData>({
      type: options.type ?? 'test.event',
      data: 'data' in options ? (options.data as TData) : ({} as TData),
      source: 'troupe://test',
      now,
    });
  const declared = options.emits === undefined ? undefined : [...options.emits];
  const emitted: RecordedEmission[] = [];
  const logs: RecordedLog[] = [];
  const controller = new AbortController();

  const logAt =
    (level: RecordedLog['level']) =>
    (message: string, fields?: Record<string, unknown>): void => {
      logs.push(fields === undefined ? { level, message } : { level, message, fields });
    };
  const log: Logger = {
    debug: logAt('debug'),
    info: logAt('info'),
    warn: logAt('warn'),
    error: logAt('error'),
  };

  const lookup =
    <C>(capability: 'sql' | 'llm', table: Readonly<Record<string, C>> | undefined) =>
    (name: string): C => {
      const found = table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
      if (found === undefined)
        throw capabilityUnavailable(
          capability,
          'not-listed',
          `agent ${agent} may not use connection ${JSON.stringify(name)}: the test context has no ${capability} connection of that name`,
          name,
        );
      return found;
    };
  const tools: ToolsCapability = options.tools ?? {
    call: (connection) =>
      Promise.reject(
        capabilityUnavailable(
          'tools',
          'not-listed',
          `agent ${agent} may not use connection ${JSON.stringify(connection)}: the test context has no tools`,
          connection,
        ),
      ),
  };
  let workspace = options.workspace;

  const ctx: HandlerContext<TConfig> = {
    event,
    attempt,
    agent,
    signal: controller.signal,
    config: Object.freeze({ ...(options.config ?? {}) }) as Readonly<TConfig>,
    log,
    sql: lookup('sql', options.sql),
    llm: lookup('llm', options.llm),
    tools,
    get workspace() {
      return (workspace ??= createMemoryWorkspace(event.correlationid, { createdBy: agent, now }));
    },
    emit(type: string, data: unknown, emitOptions?: EmitOptions): void {
      if (typeof type !== 'string' || type === '')
        throw new TroupeError(ErrorCode.InvalidOption, 'emit: type must be a non-empty string', {
          data: { field: 'type' },
          retryable: false,
        });
      if (declared !== undefined && !declared.includes(type))
        throw new TroupeError(
          ErrorCode.UndeclaredEmission,
          `agent ${agent} emitted ${type}, which it does not declare in emits [${declared.join(', ')}]`,
          { data: { type, declared }, retryable: false },
        );
      const copy = jsonCopy(type, data);
      const subject = emitOptions?.subject;
      emitted.push(subject === undefined ? { type, data: copy } : { type, data: copy, subject });
    },
  };

  return {
    ctx,
    event,
    emitted,
    logs,
    events: () =>
      emitted.map((e, index) =>
        deriveEvent(event, {
          type: e.type,
          data: e.data,
          agent,
          index,
          now,
          ...(e.subject === undefined ? {} : { subject: e.subject }),
        }),
      ),
    abort: (reason?: unknown) => controller.abort(reason),
  };
}

/** What `runHandler` observed. */
export interface RunHandlerResult<
  TData = unknown,
  TConfig extends Record<string, unknown> = Record<string, unknown>,
> {
  /** Every `ctx.emit`, in order. The runtime commits them only when `error` is undefined. */
  readonly emitted: RecordedEmission[];
  /** The derived envelopes of `emitted` (see `TestContext.events`). */
  readonly events: CloudEvent[];
  readonly logs: RecordedLog[];
  /** What the handler threw or rejected with; a HANDLER_TIMEOUT TroupeError on timeout. */
  readonly error?: unknown;
  /** The test context used, for further assertions (e.g. `ctx.signal.aborted`). */
  readonly context: TestContext<TData, TConfig>;
}

/**
 * Run `handler` once against a fresh test context and wait for it, up to `timeoutMs` (default
 * 5000): at the deadline `ctx.signal` is aborted and the result carries a HANDLER_TIMEOUT
 * error, even if the handler ignores the signal. Never rejects for the handler's failure.
 */
export async function runHandler<
  TData = unknown,
  TConfig extends Record<string, unknown> = Record<string, unknown>,
>(
  handler: Handler<TData, TConfig>,
  options: TestContextOptions<TData, TConfig> = {},
): Promise<RunHandlerResult<TData, TConfig>> {
  if (typeof handler !== 'function')
    throw new TypeError(`runHandler expects a handler function, got ${typeof handler}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > MAX_TIMEOUT_MS)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `runHandler: timeoutMs must be a number > 0 and <= ${MAX_TIMEOUT_MS}, got ${String(timeoutMs)}`,
      { data: { field: 'timeoutMs' }, retryable: false },
    );
  const tc = createTestContext(options);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<{ error: unknown }>((resolve) => {
    timer = setTimeout(() => {
      const error = new TroupeError(
        ErrorCode.HandlerTimeout,
        `handler of ${tc.ctx.agent} ran past ${timeoutMs} ms`,
        { data: { timeoutMs } },
      );
      tc.abort(error);
      resolve({ error });
    }, timeoutMs);
  });
  // `new Promise` turns a synchronous throw into a rejection like an async one.
  const run = new Promise<void>((resolve) => resolve(handler(tc.event, tc.ctx))).then(
    () => ({ error: undefined }),
    (error: unknown) => ({ error }),
  );
  try {
    const { error } = await Promise.race([run, timedOut]);
    return {
      emitted: tc.emitted,
      events: tc.events(),
      logs: tc.logs,
      context: tc,
      ...(error === undefined ? {} : { error }),
    };
  } finally {
    clearTimeout(timer);
  }
}
