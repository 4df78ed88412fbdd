// Agent SDK (DESIGN.md §5): the handler's context types, `defineAgent`, and the helpers agent
// authors use to unit-test handlers without Redis (`createTestContext`, `runHandler`).
export type { Logger, EmitOptions, HandlerContext, Handler } from './context.js';
export { defineAgent } from './define-agent.js';
export type {
  RecordedEmission,
  RecordedLog,
  TestContextOptions,
  TestContext,
  RunHandlerResult,
} from './test-context.js';
export { createTestContext, runHandler } from './test-context.js';
