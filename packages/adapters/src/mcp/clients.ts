// Every `type: mcp` Connection of a system behind one object: `callTool(connection, tool, args,
// { timeoutMs, signal })`, `listTools`, `approveTool`, `close`. Each connection gets its client
// on first use and keeps it (one server process per stdio connection, per owner of this object:
// a worker thread or a process); `close()` ends them all on shutdown.
import { ErrorCode, TroupeError, type ConnectionSpec, type McpConnectionSpec } from '@troupe/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  McpConnectionClient,
  type McpCallOptions,
  type McpConnectionClientOptions,
  type McpToolInfo,
} from './connection-client.js';
import { createFilePinStore, type ToolPinStore } from './tool-pins.js';
import type { Env } from './transport-config.js';

export interface McpClientsOptions {
  /** Connections by name; entries of other types are ignored (calls to them are refused). */
  readonly connections: Readonly<Record<string, ConnectionSpec>>;
  /** Shared by every connection. Default `createFilePinStore()` (`.troupe/mcp-pins.json`). */
  readonly pins?: ToolPinStore;
  /** Where `env:NAME` values come from. Default `process.env`. */
  readonly env?: Env;
  /** Working directory of stdio servers, per connection (its manifest's directory). */
  readonly cwdOf?: (connection: string) => string | undefined;
  /** Default per-call timeout. Default 60,000 ms. */
  readonly timeoutMs?: number;
}

export interface McpClients {
  callTool(
    connection: string,
    tool: string,
    args?: Record<string, unknown>,
    options?: McpCallOptions,
  ): Promise<CallToolResult>;
  listTools(connection: string): Promise<McpToolInfo[]>;
  /** Re-approve a tool whose description or schema changed (records its current hash). */
  approveTool(connection: string, tool: string): Promise<McpToolInfo>;
  /** Close every client that was opened. */
  close(): Promise<void>;
}

export function createMcpClients(options: McpClientsOptions): McpClients {
  const pins = options.pins ?? createFilePinStore();
  const clients = new Map<string, McpConnectionClient>();
  let closed = false;
  function clientOf(connection: string): McpConnectionClient {
    if (closed)
      throw new TroupeError(
        ErrorCode.McpError,
        `MCP clients are closed (connection ${connection})`,
        {
          retryable: false,
          data: { kind: 'connect', connection },
        },
      );
    let client = clients.get(connection);
    if (client) return client;
    const spec = options.connections[connection];
    if (!spec || spec.type !== 'mcp')
      throw new TroupeError(
        ErrorCode.NotFound,
        spec
          ? `connection ${connection} is of type ${spec.type}, not mcp`
          : `no Connection named ${connection}`,
        { retryable: false, data: { kind: 'connection', name: connection } },
      );
    const cwd = options.cwdOf?.(connection);
    const o: McpConnectionClientOptions = {
      name: connection,
      spec: spec satisfies McpConnectionSpec,
      pins,
      ...(options.env ? { env: options.env } : {}),
      ...(cwd ? { cwd } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
    client = new McpConnectionClient(o);
    clients.set(connection, client);
    return client;
  }
  return {
    callTool: async (connection, tool, args = {}, o = {}) =>
      clientOf(connection).callTool(tool, args, o),
    listTools: async (connection) => clientOf(connection).listTools(),
    approveTool: async (connection, tool) => clientOf(connection).approveTool(tool),
    async close() {
      closed = true;
      const all = [...clients.values()];
      clients.clear();
      await Promise.all(all.map((c) => c.close()));
    },
  };
}
