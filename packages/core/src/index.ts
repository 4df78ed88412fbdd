// Public API of @troupe/core: the event envelope, errors, the manifest contract and its static
// analysis, retry / breaker / quorum policies, and the agent SDK. Anything exported here is
// public API; everything else is internal. Core does no I/O beyond reading manifest files.
export * from './envelope/index.js';
export * from './errors/index.js';
export * from './manifest/index.js';
export * from './policies/index.js';
export * from './sdk/index.js';
