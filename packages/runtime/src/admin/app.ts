// The admin API as an express 5 app (DESIGN.md §6): auth first, JSON bodies with a size cap,
// the `/v1` routes, probes and metrics, the OpenAPI document, extra routers mounted by the
// caller (the MCP server at `/mcp`), then problem+json for everything that fails. The app owns
// the desired state (ControlPlane) and the event feed; `close()` releases them and ends the
// live streams. `startAdminServer` (server.ts) listens with it.
import { ErrorCode, type Logger, silentLogger } from '@troupe/core';
import express, { type Express, type Response } from 'express';
import type { Runtime } from '../node/runtime.js';
import type { WorkspaceStore } from '../workspace/contract.js';
import { bearerAuth } from './auth.js';
import { ControlPlane } from './control-plane.js';
import { EventFeed } from './event-feed.js';
import { AdminMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { HttpError, problemHandler } from './problem.js';
import { agentRoutes, agentSpecs } from './routes/agents.js';
import type { AdminContext, ReadinessCheck, TraceProvider } from './routes/common.js';
import { dlqRoutes } from './routes/dlq.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { manifestRoutes } from './routes/manifests.js';
import { traceRoutes } from './routes/traces.js';
import { workspaceRoutes } from './routes/workspace.js';
import { indexEventTypes, type EventTypeInfo } from './type-index.js';

/** Defaults of `AdminAppOptions`. */
export const ADMIN_DEFAULTS = {
  maxBodyBytes: 1024 * 1024,
  recentEvents: 1000,
  defaultWaitMs: 30_000,
  maxWaitMs: 600_000,
} as const;

/** What a mounted router receives besides the app. */
export interface AdminMountContext {
  readonly runtime: Runtime;
  readonly control: ControlPlane;
  readonly feed: EventFeed;
  /** The admin API's bearer token: a mounted router must enforce it itself (see `mount`). */
  readonly token: string | undefined;
}

export interface AdminAppOptions {
  readonly runtime: Runtime;
  /** Desired state; created over `runtime` with `root` when absent. */
  readonly control?: ControlPlane;
  /** The node's project root (apply paths resolve against it). Default `process.cwd()`. */
  readonly root?: string;
  /** Bearer token every request must carry (except `/livez`). Default: none (loopback only). */
  readonly token?: string;
  /** Largest request body, in bytes; larger ones get 413. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Recent events kept for `GET /v1/events`, SSE replay and fallback traces. Default 1,000. */
  readonly recentEvents?: number;
  /** `timeoutMs` of a publish-and-wait that gives none. Default 30,000. */
  readonly defaultWaitMs?: number;
  /** Largest `timeoutMs` a publish-and-wait may ask for. Default 600,000. */
  readonly maxWaitMs?: number;
  /** Metrics (pass the one the worker pool reports to: `instrumentPool`). Default: a new one. */
  readonly metrics?: AdminMetrics;
  /** Workspace store for `/v1/workspace`. Default: none (501). */
  readonly workspace?: WorkspaceStore;
  /**
   * Trace provider for `/v1/traces/:id`. Default: `runtime.trace` (the event archive), and the
   * recent events this node observed when the node has no archive.
   */
  readonly traces?: TraceProvider;
  /** Extra readiness checks by name (archive, database). The transport is always checked. */
  readonly readiness?: Readonly<Record<string, ReadinessCheck>>;
  /**
   * Mount more routers (the MCP endpoint at `/mcp`) before the admin API's bearer auth, the
   * JSON body parser (they parse their own bodies) and the `/v1` routes. A mounted router MUST
   * check `context.token` itself: it runs first so that it can refuse a foreign Origin with 403
   * before asking for credentials (DNS-rebinding protection comes before auth).
   */
  readonly mount?: (app: Express, context: AdminMountContext) => void;
  readonly log?: Logger;
}

export interface AdminApp {
  readonly app: Express;
  readonly control: ControlPlane;
  readonly feed: EventFeed;
  readonly metrics: AdminMetrics;
  /** End live streams and stop observing events. Does not close the runtime. */
  close(): Promise<void>;
}

/** Paths served without a token even when one is set. */
export const OPEN_PATHS: readonly string[] = ['/livez'];

export async function createAdminApp(o: AdminAppOptions): Promise<AdminApp> {
  const { runtime } = o;
  const log = o.log ?? silentLogger;
  const ownControl = o.control === undefined;
  const control = o.control ?? new ControlPlane({ runtime, ...(o.root ? { root: o.root } : {}) });
  const feed = new EventFeed({
    transport: runtime.transport,
    capacity: o.recentEvents ?? ADMIN_DEFAULTS.recentEvents,
    log,
  });
  const metrics = o.metrics ?? new AdminMetrics();
  let types: ReadonlyMap<string, EventTypeInfo> = indexEventTypes(control.manifests());
  const ctx: AdminContext = {
    runtime,
    control,
    feed,
    metrics,
    workspace: o.workspace,
    traces: o.traces,
    readiness: {
      transport: () => runtime.transport.stats('troupe-readyz', []),
      ...o.readiness,
    },
    defaultWaitMs: o.defaultWaitMs ?? ADMIN_DEFAULTS.defaultWaitMs,
    maxWaitMs: o.maxWaitMs ?? ADMIN_DEFAULTS.maxWaitMs,
    log,
    streams: new Set<Response>(),
    recent: (correlationId) => feed.recent({ correlationId }),
  };
  metrics.bind({
    agents: () => runtime.agents(),
    transport: runtime.transport,
    typesOf: (agent) => [
      ...new Set(
        agentSpecs(ctx)
          .get(agent)
          ?.spec.subscribe.map((s) => s.type) ?? [],
      ),
    ],
  });
  const offChange = control.onChange((manifests) => {
    types = indexEventTypes(manifests);
    void feed.update(manifests);
  });
  await feed.update(control.manifests());

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  // Mounted routers (MCP) check Host/Origin, then the token, and parse their own bodies.
  o.mount?.(app, { runtime, control, feed, token: o.token });
  app.use(bearerAuth(o.token, OPEN_PATHS));
  app.use(express.json({ limit: o.maxBodyBytes ?? ADMIN_DEFAULTS.maxBodyBytes, strict: false }));
  healthRoutes(app, ctx);
  app.get('/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  manifestRoutes(app, ctx);
  agentRoutes(app, ctx);
  eventRoutes(app, ctx, { types: () => types });
  traceRoutes(app, ctx);
  dlqRoutes(app, ctx);
  workspaceRoutes(app, ctx);
  app.use((req, _res, next) => {
    next(
      new HttpError(404, ErrorCode.NotFound, `no route for ${req.method} ${req.path}`, {
        kind: 'route',
        name: req.path,
      }),
    );
  });
  app.use(
    problemHandler((err) => {
      log.error('admin API: unexpected error', {
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }),
  );

  return {
    app,
    control,
    feed,
    metrics,
    async close() {
      offChange();
      if (ownControl) control.dispose();
      for (const res of ctx.streams) res.end();
      ctx.streams.clear();
      await feed.close();
    },
  };
}
