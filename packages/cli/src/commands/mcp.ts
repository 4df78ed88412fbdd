// `agentctl mcp`: the Troupe MCP server on stdio, for Claude Desktop, Cursor and other MCP
// clients that spawn a command. With `--server URL` (or TROUPE_SERVER) it bridges to a running
// node through its admin API; with `-f PATH…` it embeds its own runtime (in-memory, or Redis
// with --redis) and applies those manifests. stdout carries only the protocol; logs go to stderr.
import type { Command } from 'commander';
import type { McpBackend, Runtime } from '@troupe/runtime';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { filenameOption } from './shared.js';
import {
  loadManifestsOrFail,
  nodeOptions,
  openTransport,
  stderrLogger,
  visibilityOption,
  type NodeFlags,
} from './up.js';

interface McpOptions extends NodeFlags {
  server?: string;
  token?: string;
}

/** Where the server gets its system from, decided from the flags and the environment. */
export type McpMode = { kind: 'embedded'; files: string[] } | { kind: 'remote'; url: string };

/** `--server` wins; then `-f` (embedded); then TROUPE_SERVER; otherwise a usage error. */
export function chooseMode(opts: McpOptions, env: Io['env']): McpMode {
  if (opts.server !== undefined) {
    if (opts.filename)
      throw new UsageError(
        'give either --server URL (bridge) or -f PATH (embedded), not both',
        'mcp',
      );
    return { kind: 'remote', url: opts.server };
  }
  if (opts.filename) return { kind: 'embedded', files: opts.filename };
  if (env.TROUPE_SERVER) return { kind: 'remote', url: env.TROUPE_SERVER };
  throw new UsageError(
    'nothing to serve: give -f PATH (an embedded runtime) or --server URL / TROUPE_SERVER (a running node)',
    'mcp',
  );
}

/** Resolves with the signal's name on the first SIGTERM or SIGINT. */
function nextSignal(): { signal: Promise<string>; dispose: () => void } {
  let dispose = (): void => {};
  const signal = new Promise<string>((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      dispose();
      resolve(sig);
    };
    dispose = () => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
  return { signal, dispose };
}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('mcp')
    .description('serve the Troupe MCP server on stdio (bridged to a node, or embedded with -f)');
  filenameOption(cmd, false);
  nodeOptions(cmd)
    .option('--server <url>', 'admin API of a running node to bridge to (default: TROUPE_SERVER)')
    .option('--token <token>', 'bearer token of the admin API (default: TROUPE_TOKEN)')
    .addHelpText(
      'after',
      `
stdout carries only MCP messages; logs and diagnostics go to stderr. The server ends when the
client closes stdin, or on SIGTERM/SIGINT.

Tools: list_agents, describe_topology, validate_manifest, publish_event, get_trace,
list_dead_letters, replay_dead_letter, workspace_search, and one per Tool manifest.

Examples:
  agentctl mcp -f manifests/quickstart.yaml
  agentctl mcp --server http://127.0.0.1:7070
  # Claude Desktop / Cursor: {"mcpServers":{"troupe":{"command":"npx","args":["agentctl","mcp"],
  #                            "env":{"TROUPE_SERVER":"http://127.0.0.1:7070"}}}}`,
    )
    .action(async (opts: McpOptions) => {
      const mode = chooseMode(opts, io.env);
      const log = stderrLogger(io, opts.verbose);
      const runtimeModule = await import('@troupe/runtime');
      let runtime: Runtime | undefined;
      let backend: McpBackend;
      if (mode.kind === 'embedded') {
        const manifests = await loadManifestsOrFail(io, mode.files);
        const transport = await openTransport(io, opts, log);
        runtime = runtimeModule.createRuntime({
          transport,
          nodeId: opts.nodeId ?? `mcp-${runtimeModule.defaultNodeId()}`,
          options: { log, ...visibilityOption(io) },
        });
        try {
          await runtime.apply(manifests);
        } catch (err) {
          await runtime.close({ deadlineMs: 1000 });
          throw err;
        }
        backend = runtimeModule.createEmbeddedBackend(runtime);
      } else {
        const token = opts.token ?? io.env.TROUPE_TOKEN;
        backend = runtimeModule.createRemoteBackend({
          url: mode.url,
          ...(token ? { token } : {}),
        });
      }
      const serving = await runtimeModule.serveMcpStdio(backend);
      io.err(
        `troupe MCP server on stdio (${mode.kind === 'embedded' ? `embedded: ${runtime?.agents().length ?? 0} agent(s)` : `bridged to ${mode.url}`})\n`,
      );
      const { signal, dispose } = nextSignal();
      const why = await Promise.race([serving.closed.then(() => 'client closed stdin'), signal]);
      dispose();
      log.info(`MCP server stopping: ${why}`);
      await serving.close();
      await backend.close();
      await runtime?.close({ deadlineMs: 2000 });
      io.exitCode = 0;
    });
}
