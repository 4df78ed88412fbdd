// What `agentctl up` adds around its runtime to serve the admin API: the worker pool wrapped so
// metrics see every handler outcome, the event archive (traces, replay) and the workspace the
// node's handlers share (the admin API reads it too), and the admin server itself on
// --host/--port with TROUPE_TOKEN, the MCP endpoint mounted at /mcp. Embedded (no Redis): an
// SQLite archive and workspace under `<root>/.troupe/`; on Redis: the workspace in Redis, the
// archive only with --db.
import path from 'node:path';
import { isTroupeError } from '@troupe/core';
import type {
  AdminMetrics,
  AdminServer,
  EventArchive,
  Runtime,
  RuntimeOptions,
  WorkerPool,
  WorkspaceStore,
  WorkspaceTarget,
} from '@troupe/runtime';
import type { Command } from 'commander';
import { CliFailure } from '../errors.js';
import type { Io } from '../io.js';
import { intFlag } from './up.js';

/** Default admin API port. */
export const DEFAULT_ADMIN_PORT = 7070;

export interface AdminFlags {
  port?: string;
  host?: string;
  root?: string;
  db?: string;
  archive?: boolean;
  mcpAllowedHosts?: string;
}

/** The runtime's extras and what must be closed after the runtime. */
export interface NodeExtras {
  readonly root: string;
  readonly pool: WorkerPool;
  readonly metrics: AdminMetrics;
  readonly runtimeOptions: Pick<RuntimeOptions, 'archive' | 'workspace' | 'coordination'>;
  readonly archive?: EventArchive;
  readonly workspaceTarget?: WorkspaceTarget;
  describe(): string;
}

/** Add --host, --port, --root, --db, --no-archive to `up`. */
export function adminOptions(cmd: Command): Command {
  return cmd
    .option(
      '--port <n>',
      `port of the HTTP admin API; 0 picks a free one (default: ${DEFAULT_ADMIN_PORT})`,
    )
    .option(
      '--host <addr>',
      'interface of the admin API; beyond loopback TROUPE_TOKEN is required (default: 127.0.0.1)',
    )
    .option(
      '--root <dir>',
      'project root: applied manifests and their handlers must live inside it (default: the current directory)',
    )
    .option(
      '--db <url>',
      'event archive: an SQLite file path or a postgres:// URL (default: <root>/.troupe/archive.db without --redis, none with it)',
    )
    .option('--no-archive', 'do not keep the event archive (traces then show only recent events)')
    .option(
      '--mcp-allowed-hosts <names>',
      'comma-separated host names /mcp answers to besides loopback, e.g. troupe.internal (env TROUPE_MCP_ALLOWED_HOSTS)',
    );
}

function archiveConfig(
  db: string,
): { filename: string } | { config: { client: 'pg'; connection: string } } {
  return /^postgres(ql)?:\/\//.test(db)
    ? { config: { client: 'pg', connection: db } }
    : { filename: path.resolve(db) };
}

/** Build the pool, metrics, archive and workspace target of a node. */
export async function nodeExtras(
  io: Io,
  flags: AdminFlags & { redis?: string; namespace?: string },
): Promise<NodeExtras> {
  const rt = await import('@troupe/runtime');
  const root = path.resolve(flags.root ?? '.');
  const redis = flags.redis ?? io.env.REDIS_URL;
  const metrics = new rt.AdminMetrics();
  const pool = rt.instrumentPool(rt.createWorkerPool(), metrics);
  const db =
    flags.db ?? io.env.TROUPE_DB ?? (redis ? undefined : path.join(root, '.troupe', 'archive.db'));
  let archive: EventArchive | undefined;
  if (flags.archive !== false && db !== undefined) {
    try {
      archive = await rt.createEventArchive(archiveConfig(db));
    } catch (err) {
      await pool.close(0);
      throw new CliFailure(
        `cannot open the event archive at ${db}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  const workspaceTarget: WorkspaceTarget = redis
    ? {
        kind: 'redis',
        url: redis,
        namespace: flags.namespace ?? io.env.TROUPE_NAMESPACE ?? 'troupe',
      }
    : { kind: 'sqlite', filename: path.join(root, '.troupe', 'workspace.db') };
  // On Redis, Aggregator and Saga state must be shared by every node and survive restarts;
  // the runtime closes the store with itself.
  const coordination =
    workspaceTarget.kind === 'redis'
      ? {
          store: await rt.createRedisCoordinationStore({
            url: workspaceTarget.url,
            namespace: workspaceTarget.namespace,
          }),
        }
      : undefined;
  return {
    root,
    pool,
    metrics,
    runtimeOptions: {
      workspace: workspaceTarget,
      ...(archive ? { archive } : {}),
      ...(coordination ? { coordination } : {}),
    },
    ...(archive ? { archive } : {}),
    workspaceTarget,
    describe: () =>
      `archive ${archive ? (db ?? '') : 'off'}, workspace ${workspaceTarget.kind === 'redis' ? 'redis' : workspaceTarget.kind === 'sqlite' ? workspaceTarget.filename : 'postgres'}`,
  };
}

async function openWorkspace(target: WorkspaceTarget): Promise<WorkspaceStore> {
  const rt = await import('@troupe/runtime');
  switch (target.kind) {
    case 'redis':
      return rt.createRedisWorkspaceStore({
        url: target.url,
        ...(target.namespace ? { namespace: target.namespace } : {}),
      });
    case 'sqlite':
      return rt.createSqlWorkspaceStore({ filename: target.filename });
    case 'postgres':
      return rt.createSqlWorkspaceStore({
        config: { client: 'pg', connection: target.connection },
      });
  }
}

/** Loopback plus the listed names, or undefined when none are listed (the endpoint's default). */
function mcpAllowedHosts(
  list: string | undefined,
  loopback: readonly string[],
): string[] | undefined {
  const names = (list ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  return names.length ? [...loopback, ...names] : undefined;
}

/** Start the admin server of `runtime`; the returned close also closes the workspace reader. */
export async function serveAdmin(
  io: Io,
  runtime: Runtime,
  extras: NodeExtras,
  flags: AdminFlags,
): Promise<AdminServer> {
  const port = intFlag(flags.port, '--port', 'up', 0, 65_535) ?? DEFAULT_ADMIN_PORT;
  const rt = await import('@troupe/runtime');
  let workspace: WorkspaceStore | undefined;
  try {
    workspace = extras.workspaceTarget ? await openWorkspace(extras.workspaceTarget) : undefined;
  } catch (err) {
    io.err(
      `warning: the admin API cannot read the workspace: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  }
  const archive = extras.archive;
  const token = io.env.TROUPE_TOKEN ? io.env.TROUPE_TOKEN : undefined;
  // MCP over Streamable HTTP at /mcp: Host/Origin checks (403), then the same token (401).
  const allowedHosts = mcpAllowedHosts(
    flags.mcpAllowedHosts ?? io.env.TROUPE_MCP_ALLOWED_HOSTS,
    rt.DEFAULT_MCP_ALLOWED_HOSTS,
  );
  const host = flags.host ?? '127.0.0.1';
  if (!allowedHosts && !rt.isLoopbackHost(host))
    io.err(
      `warning: /mcp answers only to Host localhost/127.0.0.1/[::1]; remote MCP clients get 403 until --mcp-allowed-hosts names this node\n`,
    );
  const mcp = rt.mcpAdminMount({
    ...(token ? { token } : {}),
    ...(workspace ? { workspace } : {}),
    ...(allowedHosts ? { allowedHosts } : {}),
  });
  const start = (p: number): Promise<AdminServer> =>
    rt.startAdminServer({
      runtime,
      mount: mcp.mount,
      root: extras.root,
      host,
      port: p,
      ...(token ? { token } : {}),
      metrics: extras.metrics,
      ...(workspace ? { workspace } : {}),
      readiness: {
        ...(archive
          ? { archive: () => archive.events({ correlationId: 'troupe-readyz', limit: 1 }) }
          : {}),
        ...(workspace ? { workspace: () => workspace.get('global', 'troupe-readyz') } : {}),
      },
    });
  try {
    let server: AdminServer;
    try {
      server = await start(port);
    } catch (err) {
      // Several nodes on one host (tests, a local cluster): only an explicit --port is binding.
      if (flags.port !== undefined || !isTroupeError(err) || err.data.reason !== 'in-use')
        throw err;
      io.err(
        `warning: admin API port ${port} is in use; listening on a free port instead (pass --port to choose)\n`,
      );
      server = await start(0);
    }
    const close = server.close.bind(server);
    return Object.assign(server, {
      async close() {
        await mcp.close();
        await close();
        await workspace?.close();
      },
    });
  } catch (err) {
    await mcp.close();
    await workspace?.close();
    throw new CliFailure(err instanceof Error ? err.message : String(err));
  }
}
