// `agentctl up`: runs one runtime node in the foreground. Without --redis (or REDIS_URL) the
// in-memory transport is embedded; with it, every `up` process on that Redis and namespace joins
// the same consumer groups under its own node id and they share the work. Progress goes to
// stderr; SIGTERM / SIGINT shut down gracefully (drain in-flight work, exit 0). Also holds the
// pieces `agentctl run` shares: manifest loading, transport choice, the stderr logger.
import {
  formatDiagnostic,
  validateManifests,
  type LoadedManifest,
  type Logger,
} from '@troupe/core';
// The runtime is imported inside the actions: `validate`, `graph` and `--help` must not pay for
// loading the worker pool, node-redis and the pipeline at start-up.
import type { AgentStatus, Transport } from '@troupe/runtime';
import type { Command } from 'commander';
import { CliFailure, UsageError } from '../errors.js';
import { paint, type Io } from '../io.js';
import { adminOptions, nodeExtras, serveAdmin, type AdminFlags } from './serve-admin.js';
import { filenameOption, printDiagnostics } from './shared.js';

/** Options `up` and `run` share. */
export interface NodeFlags {
  filename?: string[];
  redis?: string;
  namespace?: string;
  nodeId?: string;
  verbose?: boolean;
}

interface UpOptions extends NodeFlags, AdminFlags {
  shutdownTimeout?: string;
}

/** Default drain deadline of a graceful shutdown, in ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** Add the transport flags (`--redis`, `--namespace`) and `--verbose` to a command. */
export function nodeOptions(cmd: Command): Command {
  return cmd
    .option(
      '--redis <url>',
      'Redis URL (default: REDIS_URL; without either, the embedded in-memory transport)',
    )
    .option(
      '--namespace <ns>',
      'prefix of every Redis key, so systems can share one Redis (default: troupe)',
    )
    .option('--verbose', 'log handler info and debug records too');
}

/** A positive integer flag value, or a usage error naming the flag. */
export function intFlag(
  raw: string | undefined,
  flag: string,
  command: string,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(
      `${flag} must be an integer between ${min} and ${max}, got '${raw}'`,
      command,
    );
  return n;
}

/** Logger writing `level message {fields}` lines to stderr; debug/info only when verbose. */
export function stderrLogger(io: Io, verbose = false): Logger {
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error', color?: 'yellow' | 'red' | 'dim') =>
    (message: string, fields?: Record<string, unknown>): void => {
      const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      const tag = level.padEnd(5);
      io.err(
        `${new Date().toISOString()} ${color ? paint(io, color, tag) : tag} ${message}${paint(io, 'dim', extra)}\n`,
      );
    };
  const quiet = (): void => {};
  return {
    debug: verbose ? line('debug', 'dim') : quiet,
    info: verbose ? line('info') : quiet,
    warn: line('warn', 'yellow'),
    error: line('error', 'red'),
  };
}

/** Validate and load `-f` manifests; diagnostics on stderr; CliFailure (exit 1) on errors. */
export async function loadManifestsOrFail(
  io: Io,
  files: readonly string[],
): Promise<LoadedManifest[]> {
  const result = await validateManifests([...files]);
  printDiagnostics(io, result.diagnostics);
  if (!result.ok) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    throw new CliFailure(
      `manifests are invalid (${errors.length} error${errors.length === 1 ? '' : 's'})${errors[0] ? `: ${formatDiagnostic(errors[0])}` : ''}`,
    );
  }
  return result.set.manifests;
}

/** The transport the flags ask for: Redis with --redis / REDIS_URL, else the embedded one. */
export async function openTransport(io: Io, flags: NodeFlags, logger: Logger): Promise<Transport> {
  const { createMemoryTransport, createRedisTransport } = await import('@troupe/runtime');
  const url = flags.redis ?? io.env.REDIS_URL;
  if (!url) return createMemoryTransport();
  const namespace = flags.namespace ?? io.env.TROUPE_NAMESPACE ?? 'troupe';
  try {
    return await createRedisTransport({ url, namespace, logger });
  } catch (err) {
    throw new CliFailure(
      `cannot use Redis at ${url}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/**
 * `TROUPE_VISIBILITY_TIMEOUT_MS`: how long an entry may sit on a silent consumer before another
 * node reclaims it (default 30 000 ms). Fault tests shorten it; operators rarely need to.
 */
export function visibilityOption(io: Io): { visibilityTimeoutMs?: number } {
  const raw = io.env.TROUPE_VISIBILITY_TIMEOUT_MS;
  if (raw === undefined || raw === '') return {};
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 3)
    throw new UsageError(
      `TROUPE_VISIBILITY_TIMEOUT_MS must be an integer >= 3 (milliseconds), got '${raw}'`,
    );
  return { visibilityTimeoutMs: n };
}

function describeTransport(io: Io, flags: NodeFlags): string {
  const url = flags.redis ?? io.env.REDIS_URL;
  return url
    ? `redis ${url} (namespace ${flags.namespace ?? io.env.TROUPE_NAMESPACE ?? 'troupe'})`
    : 'embedded in-memory transport';
}

function summary(agents: readonly AgentStatus[]): string {
  return agents
    .map(
      (a) =>
        `${a.name}: ${a.succeeded} ok, ${a.failed} failed, ${a.retried} retried, ${a.deadLettered} dlq, ${a.inFlight} in flight${a.breaker === 'closed' ? '' : `, breaker ${a.breaker}`}`,
    )
    .join('; ');
}

/** Resolves with the signal's name on the first SIGTERM or SIGINT. */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('up')
    .description('run a runtime node in the foreground (applies -f manifests at start)');
  filenameOption(cmd, false);
  nodeOptions(cmd)
    .option(
      '--node-id <id>',
      'consumer name of this node in every group (default: <hostname>-<pid>)',
    )
    .option(
      '--shutdown-timeout <ms>',
      `drain deadline on SIGTERM/SIGINT (default: ${DEFAULT_SHUTDOWN_TIMEOUT_MS})`,
    );
  adminOptions(cmd)
    .addHelpText(
      'after',
      `
The admin API (apply, get, publish, trace, dlq, logs; /metrics, /livez, /readyz; MCP at /mcp) listens on
127.0.0.1:7070 by default; TROUPE_TOKEN sets its bearer token (required beyond loopback).
Several 'agentctl up --redis URL' processes on one Redis share the work: same consumer groups,
one consumer per node id. SIGTERM or SIGINT stops fetching, lets in-flight handlers finish
(up to --shutdown-timeout) and exits 0; what is left stays pending for another node.

Examples:
  agentctl up -f manifests/quickstart.yaml
  agentctl up -f manifests/ --redis redis://127.0.0.1:6379 --node-id worker-1
  TROUPE_TOKEN=s3cret agentctl up --host 0.0.0.0 --port 8080`,
    )
    .action(async (opts: UpOptions) => {
      intFlag(opts.port, '--port', 'up', 0, 65_535);
      const deadlineMs =
        intFlag(opts.shutdownTimeout, '--shutdown-timeout', 'up', 0) ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
      const log = stderrLogger(io, opts.verbose);
      const manifests = opts.filename ? await loadManifestsOrFail(io, opts.filename) : [];
      const transport = await openTransport(io, opts, log);
      const { createRuntime, defaultNodeId } = await import('@troupe/runtime');
      const nodeId = opts.nodeId ?? defaultNodeId();
      const extras = await nodeExtras(io, opts);
      const runtime = createRuntime({
        transport,
        nodeId,
        pool: extras.pool,
        options: { log, ...visibilityOption(io), ...extras.runtimeOptions },
      });
      const signal = nextSignal();
      let admin: Awaited<ReturnType<typeof serveAdmin>>;
      try {
        const plan = await runtime.apply(manifests);
        admin = await serveAdmin(io, runtime, extras, opts);
        io.err(
          `troupe node ${nodeId} up on ${describeTransport(io, opts)}: ${plan.start.length} agent(s) [${plan.start.join(', ')}]\n`,
        );
        io.err(`admin API listening on ${admin.url} (${extras.describe()})\n`);
        io.err('press Ctrl-C (or send SIGTERM) to stop\n');
      } catch (err) {
        await runtime.close({ deadlineMs: 1000 });
        throw err;
      }
      let last = '';
      const ticker = setInterval(() => {
        const now = summary(runtime.agents());
        if (now !== last) io.err(`${new Date().toISOString()} ${now}\n`);
        last = now;
      }, 10_000);
      ticker.unref();
      const sig = await signal;
      clearInterval(ticker);
      io.err(`${sig}: shutting down (draining in-flight work for up to ${deadlineMs} ms)\n`);
      const final = summary(runtime.agents());
      await admin.close();
      await runtime.close({ deadlineMs });
      io.err(`stopped${final ? `: ${final}` : ''}\n`);
      io.exitCode = 0;
    });
}
