// One `type: mcp` Connection as a client: connected on first use, reused, reconnected after the
// server goes away, closed on shutdown. Every listing (on connect, on `tools/list_changed`, on
// `listTools()`) is checked against the pin store; a call to a tool whose name + input schema +
// description no longer match its pin is refused with MCP_TOOL_CHANGED until `approveTool`.
import { ErrorCode, TroupeError, type McpConnectionSpec } from '@troupe/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ErrorCode as McpErrorCode,
  McpError,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createFilePinStore, toolHash, type ToolPinStore } from './tool-pins.js';
import { createClientTransport, type Env } from './transport-config.js';

// JSON-RPC error codes the SDK raises, as plain numbers (McpError.code is a number).
const REQUEST_TIMEOUT: number = McpErrorCode.RequestTimeout;
const CONNECTION_CLOSED: number = McpErrorCode.ConnectionClosed;
const INVALID_PARAMS: number = McpErrorCode.InvalidParams;

/** Default per-call timeout (the SDK's own default request timeout). */
export const DEFAULT_MCP_CALL_TIMEOUT_MS = 60_000;

export interface McpCallOptions {
  /** Abort the call after this long (MCP_ERROR, kind `timeout`). Default: the client's. */
  timeoutMs?: number;
  /** Abort the call (pass `ctx.signal`). */
  signal?: AbortSignal;
}

/** A tool as listed, with its pin status. */
export interface McpToolInfo {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: Tool['inputSchema'];
  /** `toolHash` of what the server lists now. */
  readonly hash: string;
  /** `pinned`: matches its pin; `changed`: differs (calls refused until approved). */
  readonly status: 'pinned' | 'changed';
  /** The pinned hash (equal to `hash` unless changed). */
  readonly pinned: string;
}

export interface McpConnectionClientOptions {
  /** Connection name (pin keys, messages). */
  readonly name: string;
  readonly spec: McpConnectionSpec;
  /** Where pins are kept. Default `createFilePinStore()` (`.troupe/mcp-pins.json`). */
  readonly pins?: ToolPinStore;
  /** Where `env:NAME` values come from. Default `process.env`. */
  readonly env?: Env;
  /** Working directory of a stdio server. Default: this process's. */
  readonly cwd?: string;
  /** Default per-call timeout. Default 60,000 ms. */
  readonly timeoutMs?: number;
  /** Name and version this client reports. Default `troupe` / `0.1.0`. */
  readonly clientInfo?: { name: string; version: string };
  /** Transport factory (tests). Default: from `spec`. */
  readonly createTransport?: () => Transport;
}

interface Connected {
  readonly client: Client;
  tools: Map<string, McpToolInfo>;
}

function mcpError(
  kind: 'connect' | 'protocol' | 'timeout' | 'unknown-tool' | 'tool-error',
  message: string,
  data: Record<string, unknown>,
): TroupeError {
  const retryable = kind === 'connect' || kind === 'protocol' || kind === 'timeout';
  return new TroupeError(ErrorCode.McpError, message, { retryable, data: { kind, ...data } });
}

function textOf(result: CallToolResult): string {
  return result.content
    .map((c) => (c.type === 'text' ? c.text : `[${c.type}]`))
    .join('\n')
    .slice(0, 2000);
}

export class McpConnectionClient {
  readonly name: string;
  readonly #o: McpConnectionClientOptions;
  readonly #pins: ToolPinStore;
  #connected: Promise<Connected> | undefined;
  /** The connection `#connected` resolved to, so a late `onclose` of an old one is ignored. */
  #live: Connected | undefined;
  #closed = false;

  constructor(options: McpConnectionClientOptions) {
    this.name = options.name;
    this.#o = options;
    this.#pins = options.pins ?? createFilePinStore();
  }

  /** The current listing with pin status; pins tools seen for the first time. */
  async listTools(): Promise<McpToolInfo[]> {
    const c = await this.#connect();
    c.tools = await this.#list(c.client);
    return [...c.tools.values()];
  }

  /**
   * Call `tool`. Resolves with the tool's result; throws MCP_TOOL_CHANGED (refused, the server
   * was not called), MCP_ERROR (`tool-error` for an error result, `timeout` past
   * `options.timeoutMs` or on `options.signal`, `unknown-tool`, `connect`, `protocol`) or
   * INVALID_OPTION (a bad connection spec or timeoutMs).
   */
  async callTool(
    tool: string,
    args: Record<string, unknown> = {},
    options: McpCallOptions = {},
  ): Promise<CallToolResult> {
    const t = options.timeoutMs;
    if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t <= 0))
      throw new TroupeError(
        ErrorCode.InvalidOption,
        `MCP call timeoutMs must be a positive number of ms, got ${String(t)}`,
        { retryable: false, data: { field: 'timeoutMs' } },
      );
    const c = await this.#connect();
    let info = c.tools.get(tool);
    if (!info) {
      c.tools = await this.#list(c.client);
      info = c.tools.get(tool);
    }
    if (!info)
      throw mcpError('unknown-tool', `MCP server of connection ${this.name} has no tool ${tool}`, {
        connection: this.name,
        tool,
        available: [...c.tools.keys()],
      });
    // Read the pin on every call: an approval by another process or thread applies at once.
    const pinned = (await this.#pins.get(this.name, tool)) ?? info.pinned;
    if (pinned !== info.hash) throw this.#changed(tool, pinned, info.hash);
    const timeoutMs = options.timeoutMs ?? this.#o.timeoutMs ?? DEFAULT_MCP_CALL_TIMEOUT_MS;
    let result: CallToolResult;
    try {
      result = (await c.client.callTool({ name: tool, arguments: args }, undefined, {
        timeout: timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      })) as CallToolResult;
    } catch (err) {
      throw this.#callFailure(err, tool, timeoutMs, options.signal);
    }
    if (result.isError)
      throw mcpError('tool-error', `MCP tool ${tool} (${this.name}) failed: ${textOf(result)}`, {
        connection: this.name,
        tool,
        content: result.content,
      });
    return result;
  }

  /** Accept the tool as the server lists it now (after a change was reviewed). */
  async approveTool(tool: string): Promise<McpToolInfo> {
    const c = await this.#connect();
    c.tools = await this.#list(c.client);
    const info = c.tools.get(tool);
    if (!info)
      throw mcpError('unknown-tool', `MCP server of connection ${this.name} has no tool ${tool}`, {
        connection: this.name,
        tool,
      });
    await this.#pins.set(this.name, tool, info.hash);
    const approved: McpToolInfo = { ...info, status: 'pinned', pinned: info.hash };
    c.tools.set(tool, approved);
    return approved;
  }

  /** Disconnect (a stdio server process is ended). Later calls fail. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const connected = this.#connected;
    this.#connected = undefined;
    if (connected) await (await connected.catch(() => undefined))?.client.close();
  }

  #changed(tool: string, pinned: string, current: string): TroupeError {
    return new TroupeError(
      ErrorCode.McpToolChanged,
      `MCP tool ${tool} of connection ${this.name} changed since it was pinned (its description or input schema differs): calls are refused until it is re-approved (approveTool)`,
      { retryable: false, data: { connection: this.name, tool, pinned, current } },
    );
  }

  #callFailure(err: unknown, tool: string, timeoutMs: number, signal?: AbortSignal): TroupeError {
    const message = err instanceof Error ? err.message : String(err);
    const data = { connection: this.name, tool, timeoutMs };
    if (signal?.aborted)
      return mcpError('timeout', `MCP tool ${tool} was aborted`, { ...data, aborted: true });
    if (err instanceof McpError && err.code === REQUEST_TIMEOUT)
      return mcpError(
        'timeout',
        `MCP tool ${tool} (${this.name}) timed out after ${timeoutMs} ms`,
        data,
      );
    if (err instanceof McpError && err.code === CONNECTION_CLOSED) {
      this.#connected = undefined;
      return mcpError(
        'connect',
        `MCP server of connection ${this.name} went away: ${message}`,
        data,
      );
    }
    if (err instanceof McpError && err.code === INVALID_PARAMS)
      return new TroupeError(
        ErrorCode.McpError,
        `MCP tool ${tool} (${this.name}) refused the arguments: ${message}`,
        {
          retryable: false,
          data: { kind: 'tool-error', ...data },
        },
      );
    return mcpError('protocol', `MCP tool ${tool} (${this.name}) failed: ${message}`, data);
  }

  #connect(): Promise<Connected> {
    if (this.#closed)
      return Promise.reject(
        mcpError('connect', `MCP connection ${this.name} is closed`, { connection: this.name }),
      );
    this.#connected ??= this.#open();
    const attempt = this.#connected;
    // A failed connect is not cached: the next call tries again.
    attempt.catch(() => {
      if (this.#connected === attempt) this.#connected = undefined;
    });
    return attempt;
  }

  async #open(): Promise<Connected> {
    const o = this.#o;
    const transport =
      o.createTransport?.() ??
      createClientTransport(o.spec, {
        connection: this.name,
        env: o.env ?? process.env,
        ...(o.cwd ? { cwd: o.cwd } : {}),
      });
    const client = new Client(o.clientInfo ?? { name: 'troupe', version: '0.1.0' });
    try {
      await client.connect(transport, { timeout: o.timeoutMs ?? DEFAULT_MCP_CALL_TIMEOUT_MS });
    } catch (err) {
      await client.close().catch(() => {});
      throw mcpError(
        'connect',
        `cannot connect to the MCP server of connection ${this.name}: ${err instanceof Error ? err.message : String(err)}`,
        { connection: this.name },
      );
    }
    const connected: Connected = { client, tools: await this.#list(client) };
    this.#live = connected;
    client.onclose = () => {
      // The server went away (a stdio process exited): the next call connects again.
      if (this.#live !== connected) return;
      this.#live = undefined;
      this.#connected = undefined;
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      connected.tools = await this.#list(client).catch(() => connected.tools);
    });
    return connected;
  }

  /** List every page and check each tool against its pin (pinning tools seen first now). */
  async #list(client: Client): Promise<Map<string, McpToolInfo>> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const out = new Map<string, McpToolInfo>();
    for (const t of tools) {
      const hash = toolHash(t);
      let pinned = await this.#pins.get(this.name, t.name);
      if (pinned === undefined) {
        await this.#pins.set(this.name, t.name, hash);
        pinned = hash;
      }
      out.set(t.name, {
        name: t.name,
        ...(t.description === undefined ? {} : { description: t.description }),
        inputSchema: t.inputSchema,
        hash,
        pinned,
        status: pinned === hash ? 'pinned' : 'changed',
      });
    }
    return out;
  }
}
