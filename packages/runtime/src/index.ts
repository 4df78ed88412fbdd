// Public API of @troupe/runtime: transports, the worker pool, the agent pipeline and the
// runtime node. Anything exported here is public API; everything else is internal.
export * from './transport/index.js';
export * from './workers/index.js';
export * from './pipeline/index.js';
export * from './node/index.js';
export * from './workspace/index.js';
export * from './coordination/index.js';
export * from './archive/index.js';
export * from './mcp/index.js';
export * from './admin/index.js';
