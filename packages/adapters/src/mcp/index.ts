// Public surface of the MCP client adapter: clients for `type: mcp` Connections (stdio or
// Streamable HTTP, connected lazily, reused, closed on shutdown), tool pinning against rug
// pulls (file or memory pin store), and the helpers that build transports from a spec.
export { createMcpClients } from './clients.js';
export type { McpClients, McpClientsOptions } from './clients.js';
export { McpConnectionClient, DEFAULT_MCP_CALL_TIMEOUT_MS } from './connection-client.js';
export type {
  McpCallOptions,
  McpConnectionClientOptions,
  McpToolInfo,
} from './connection-client.js';
export {
  canonicalJson,
  createFilePinStore,
  createMemoryPinStore,
  toolHash,
  DEFAULT_PIN_FILE,
} from './tool-pins.js';
export type { PinnedToolShape, ToolPinStore } from './tool-pins.js';
export { createClientTransport, resolveValue } from './transport-config.js';
export type { Env, TransportContext } from './transport-config.js';
