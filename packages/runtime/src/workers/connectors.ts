// Worker side: how a granted Connection becomes the object a handler holds, one function per
// connection type. Adapter modules (knex, node-sql-parser, fetch clients) are imported on first
// need, so worker threads whose agents use no connection never pay for loading them. Adding a
// connection type (MCP) is one entry in CONNECTORS plus its branch in `tools.call`.
import type * as Adapters from '@troupe/adapters';
import { capabilityUnavailable, ErrorCode, TroupeError } from '@troupe/core';
import type { LlmCapability, LlmConnectionSpec, SqlCapability } from '@troupe/core';
import type { ConnectionGrant } from './contract.js';

// Type-only: erased, so the adapters load only through a dynamic import, on first need.
type AdaptersModule = typeof Adapters;

/** Per-call options of an MCP tool call (`signal` already combines ctx.signal). */
export interface McpCall {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** A connection's live object: what `ctx.sql` / `ctx.llm` return, or an MCP client. */
export type OpenConnection =
  | { readonly type: 'sql'; readonly client: SqlCapability }
  | { readonly type: 'llm'; readonly client: LlmCapability }
  | {
      readonly type: 'mcp';
      readonly client: {
        callTool(tool: string, args: Record<string, unknown>, options: McpCall): Promise<unknown>;
      };
    };

/** Opens a connection of one type; runs after `adapters` is loaded. Synchronous: nothing connects. */
type Connector = (grant: ConnectionGrant, adapters: AdaptersModule, name: string) => OpenConnection;

function offlineLlm(spec: LlmConnectionSpec): LlmCapability {
  return {
    model: spec.model,
    baseUrl: spec.baseUrl,
    offline: true,
    chat: () =>
      Promise.reject(
        new TroupeError(
          ErrorCode.LlmError,
          'this LLM connection is the offline provider (baseUrl: offline): it has no chat endpoint; use createOfflineTranslator from @troupe/adapters',
          {
            retryable: false,
            data: { kind: 'protocol', baseUrl: spec.baseUrl, model: spec.model },
          },
        ),
      ),
  };
}

const CONNECTORS: Readonly<Record<ConnectionGrant['spec']['type'], Connector | undefined>> = {
  sql: (grant, adapters) => {
    if (grant.spec.type !== 'sql') throw new TypeError('sql connector given another spec');
    return {
      type: 'sql',
      client: adapters.createSqlConnection(grant.spec, { baseDir: grant.baseDir }),
    };
  },
  llm: (grant, adapters) => {
    const spec = grant.spec;
    if (spec.type !== 'llm') throw new TypeError('llm connector given another spec');
    if (adapters.isOfflineLlm(spec)) return { type: 'llm', client: offlineLlm(spec) };
    const c = adapters.createLlmClient(spec);
    return {
      type: 'llm',
      client: {
        model: c.model,
        baseUrl: c.baseUrl,
        offline: false,
        chat: (messages, options) => c.chat(messages, options),
      },
    };
  },
  // MCP: one lazily connected client per connection and thread; tools pinned against rug pulls
  // in TROUPE_MCP_PINS (default `.troupe/mcp-pins.json` under the node's working directory).
  mcp: (grant, adapters, name) => {
    const spec = grant.spec;
    if (spec.type !== 'mcp') throw new TypeError('mcp connector given another spec');
    const client = new adapters.McpConnectionClient({
      name,
      spec,
      cwd: grant.baseDir,
      pins: adapters.createFilePinStore(process.env.TROUPE_MCP_PINS || adapters.DEFAULT_PIN_FILE),
    });
    return {
      type: 'mcp',
      client: {
        callTool: (tool, args, { signal, timeoutMs }) =>
          client.callTool(tool, args, {
            ...(signal === undefined ? {} : { signal }),
            ...(timeoutMs === undefined ? {} : { timeoutMs }),
          }),
      },
    };
  },
};

/** True when opening a grant of this type needs the adapters module. */
export function needsAdapters(grant: ConnectionGrant): boolean {
  return CONNECTORS[grant.spec.type] !== undefined;
}

/** Open `grant` (named `name`); CAPABILITY_UNAVAILABLE when its type has no connector yet. */
export function openConnection(
  name: string,
  grant: ConnectionGrant,
  adapters: AdaptersModule,
): OpenConnection {
  const connector = CONNECTORS[grant.spec.type];
  if (connector === undefined)
    throw capabilityUnavailable(
      grant.spec.type === 'mcp' ? 'tools' : 'sql',
      'unsupported',
      `connection ${JSON.stringify(name)} is of type ${grant.spec.type}: no MCP connection support yet`,
      name,
    );
  return connector(grant, adapters, name);
}
