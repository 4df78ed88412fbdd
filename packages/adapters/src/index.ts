// Public API of @troupe/adapters. Everything exported here is public API.
export * from './sql/index.js';
export * from './llm/index.js';
export * from './mcp/index.js';
