// The workspace store: shared memory agents coordinate through, scoped to a workflow's
// correlation id (or global). Contract, the Redis and SQL (knex) stores, errors and limits.
// The conformance suite (`conformance.ts`) is not exported: it imports vitest.
export { ALL_SCOPES, GLOBAL_SCOPE } from './contract.js';
export type {
  DeleteOptions,
  ListOptions,
  PutOptions,
  SearchOptions,
  UpdateFn,
  UpdateOptions,
  WorkspaceEntry,
  WorkspaceScope,
  WorkspaceStore,
  WorkspaceStoreOptions,
} from './contract.js';
export { WorkspaceConflictError, isWorkspaceConflict } from './errors.js';
export { WORKSPACE_DEFAULTS } from './options.js';
export {
  REDIS_WORKSPACE_DEFAULTS,
  RedisWorkspaceStore,
  createRedisWorkspaceStore,
} from './redis-store.js';
export type { RedisCommandClient, RedisWorkspaceStoreOptions } from './redis-store.js';
export { SQL_WORKSPACE_DEFAULTS, SqlWorkspaceStore, createSqlWorkspaceStore } from './sql-store.js';
export type { SqlWorkspaceStoreOptions } from './sql-store.js';
export type { SqlDialect } from './sql-schema.js';
export { scopedWorkspace } from './scoped.js';
export type { ScopedSearchOptions, ScopedWorkspace, ScopedWorkspaceOptions } from './scoped.js';
