// The in-memory transport (embedded default, single process).
export { createMemoryTransport, MEMORY_TRANSPORT_DEFAULTS } from './memory-transport.js';
export type { MemoryTransportOptions } from './memory-transport.js';
