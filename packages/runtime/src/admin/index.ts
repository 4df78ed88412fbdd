// The HTTP admin API of a runtime node (DESIGN.md §6): the express app and its server, the
// desired state it applies manifests to, the live event feed, metrics with the pool
// instrumentation that feeds them, auth and problem helpers other surfaces (MCP) reuse.
export { ADMIN_DEFAULTS, OPEN_PATHS, createAdminApp } from './app.js';
export type { AdminApp, AdminAppOptions, AdminMountContext } from './app.js';
export { ADMIN_SERVER_DEFAULTS, checkExposure, startAdminServer } from './server.js';
export type { AdminServer, AdminServerOptions } from './server.js';
export { ControlPlane } from './control-plane.js';
export type {
  AppliedDocument,
  ApplyOutcome,
  ChangeAction,
  ControlPlaneOptions,
  DiffEntry,
  DocumentChange,
  ManifestFile,
} from './control-plane.js';
export { DEFAULT_FEED_CAPACITY, EventFeed } from './event-feed.js';
export type { EventFeedOptions, EventFilter } from './event-feed.js';
export {
  AdminMetrics,
  BREAKER_STATE_VALUE,
  DEFAULT_DURATION_BUCKETS,
  instrumentPool,
} from './metrics.js';
export type { AdminMetricsOptions, MetricsSource, OutcomeSink } from './metrics.js';
export { bearerAuth, bearerOf, isLoopbackHost, tokensMatch } from './auth.js';
export {
  HttpError,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  problemHandler,
  sendProblem,
  toProblem,
} from './problem.js';
export type { Problem } from './problem.js';
export { openApiDocument } from './openapi.js';
export { indexEventTypes } from './type-index.js';
export type { EventTypeInfo } from './type-index.js';
export type { ReadinessCheck, TraceProvider } from './routes/common.js';
export type { AgentView } from './routes/agents.js';
export { lineDiff } from './line-diff.js';
