// The worker pool (DESIGN.md §4, §5, §7): handlers run in Piscina worker threads, loaded through
// tsx, in batches, with timeouts, crash isolation and bounded admission.
export type * from './contract.js';
export { createWorkerPool } from './pool.js';
export type { TroupeWorkerPool, WorkerPoolStats } from './pool.js';
export { DEFAULT_POOL_OPTIONS, resolvePoolOptions } from './options.js';
export type { WorkerPoolOptions, ResolvedWorkerPoolOptions } from './options.js';
export { MAX_LOG_RECORDS } from './handler-context.js';
