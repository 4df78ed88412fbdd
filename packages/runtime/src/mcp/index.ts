// The MCP server (DESIGN.md §6): built-in tools, one tool per `Tool` manifest, manifests and
// traces as resources; on stdio (`agentctl mcp`) or Streamable HTTP (`/mcp` on the admin app),
// over a runtime in this process or a running node's admin API.
export type {
  BackendPublishOptions,
  BackendWorkspaceSearch,
  CorrelationWatch,
  McpBackend,
  OutcomeWait,
} from './backend.js';
export { createEmbeddedBackend, mentionedTypes } from './embedded-backend.js';
export type { EmbeddedBackendOptions } from './embedded-backend.js';
export { createMcpServer, MCP_SERVER_NAME } from './server.js';
export type { McpServerOptions } from './server.js';
export { serveMcpStdio } from './stdio.js';
export type { StdioServing } from './stdio.js';
export {
  createMcpHttpEndpoint,
  mountMcp,
  DEFAULT_MCP_ALLOWED_HOSTS,
  MCP_HTTP_DEFAULTS,
} from './http.js';
export type { McpHttpEndpoint, McpHttpOptions } from './http.js';
export { BUILTIN_TOOLS, DEFAULT_LIST_LIMIT, DEFAULT_PUBLISH_WAIT_MS } from './builtin-tools.js';
export { DEFAULT_TOOL_TIMEOUT_MS, toolDefinition } from './declared-tools.js';
export { InputValidator } from './input-validation.js';
export { createRemoteBackend, REMOTE_BACKEND_DEFAULTS } from './remote-backend.js';
export type { RemoteBackendOptions } from './remote-backend.js';
export { mcpAdminMount } from './admin-mount.js';
export type { McpAdminMount, McpAdminMountOptions } from './admin-mount.js';
