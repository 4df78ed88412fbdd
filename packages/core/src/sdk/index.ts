// Agent SDK (DESIGN.md §5): the handler's context types, `defineAgent`, and the helpers agent
// authors use to unit-test handlers without Redis (`createTestContext`, `runHandler`).
export type { Logger, EmitOptions, HandlerContext, Handler } from './context.js';
export { silentLogger } from './context.js';
export type {
  LlmCapability,
  LlmChatOptions,
  LlmChatResult,
  LlmMessage,
  SqlCapability,
  SqlCapabilityDialect,
  SqlReadOptions,
  SqlReadResult,
  ToolCallOptions,
  ToolsCapability,
  WorkspaceCapability,
  WorkspaceItem,
  WorkspacePutOptions,
  WorkspaceQuery,
  WorkspaceUpdateOptions,
} from './capabilities.js';
export { capabilityUnavailable } from './capability-errors.js';
export type { CapabilityRefusal } from './capability-errors.js';
export { createMemoryWorkspace } from './memory-workspace.js';
export { defineAgent } from './define-agent.js';
export type {
  RecordedEmission,
  RecordedLog,
  TestContextOptions,
  TestContext,
  RunHandlerResult,
} from './test-context.js';
export { createTestContext, runHandler } from './test-context.js';
