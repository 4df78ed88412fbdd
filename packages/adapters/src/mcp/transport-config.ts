// From a `type: mcp` Connection spec to an SDK client transport: stdio (command, args, env) or
// Streamable HTTP (url, headers). Values written `env:NAME` are read from the environment here,
// at connect time, so secrets never sit in manifests; a missing variable is an error naming it.
import { ErrorCode, TroupeError, type McpConnectionSpec } from '@troupe/core';
import {
  StdioClientTransport,
  getDefaultEnvironment,
} from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

export type Env = Readonly<Record<string, string | undefined>>;

const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

function invalid(connection: string, field: string, message: string): TroupeError {
  return new TroupeError(ErrorCode.InvalidOption, `connection ${connection}: ${field} ${message}`, {
    retryable: false,
    data: { field, connection },
  });
}

/** `env:NAME` → the variable's value (an error naming it when unset); other values as written. */
export function resolveValue(value: string, field: string, connection: string, env: Env): string {
  const ref = ENV_REF.exec(value);
  if (!ref) return value;
  const found = env[ref[1]!];
  if (found === undefined || found === '')
    throw invalid(connection, field, `refers to environment variable ${ref[1]}, which is not set`);
  return found;
}

function resolveRecord(
  record: Record<string, string> | undefined,
  field: string,
  connection: string,
  env: Env,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record ?? {}))
    out[k] = resolveValue(v, `${field}.${k}`, connection, env);
  return out;
}

export interface TransportContext {
  /** Connection name (for messages). */
  readonly connection: string;
  /** Where `env:NAME` values come from. */
  readonly env: Env;
  /** Working directory of a stdio server (the Connection manifest's directory). Default: ours. */
  readonly cwd?: string;
}

/** Build (not start) the SDK transport of `spec`. Throws INVALID_OPTION naming the field. */
export function createClientTransport(spec: McpConnectionSpec, ctx: TransportContext): Transport {
  const { connection, env } = ctx;
  if (spec.transport === 'stdio') {
    if (!spec.command) throw invalid(connection, 'spec.command', 'is required for transport stdio');
    return new StdioClientTransport({
      command: resolveValue(spec.command, 'spec.command', connection, env),
      args: (spec.args ?? []).map((a, i) => resolveValue(a, `spec.args[${i}]`, connection, env)),
      // The SDK's safe default environment (PATH, HOME…) plus what the manifest lists; the
      // rest of ours (secrets of other connections) is not handed to a third-party server.
      env: { ...getDefaultEnvironment(), ...resolveRecord(spec.env, 'spec.env', connection, env) },
      // Its stderr is its log; ours is the runtime's log.
      stderr: 'inherit',
      ...(ctx.cwd ? { cwd: ctx.cwd } : {}),
    });
  }
  if (!spec.url) throw invalid(connection, 'spec.url', 'is required for transport http');
  let url: URL;
  try {
    url = new URL(resolveValue(spec.url, 'spec.url', connection, env));
  } catch (err) {
    if (err instanceof TroupeError) throw err;
    throw invalid(connection, 'spec.url', 'is not a valid URL');
  }
  const headers = resolveRecord(spec.headers, 'spec.headers', connection, env);
  return new StreamableHTTPClientTransport(url, { requestInit: { headers } });
}
