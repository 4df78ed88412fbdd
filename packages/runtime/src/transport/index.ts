// The transports: the contract, the in-memory transport (embedded default), Redis Streams,
// and the conformance suite every transport runs.
export type * from './contract.js';
export { DEAD_LETTER_FIELDS } from './contract.js';
export { validateConsumerOptions } from './consumer-options.js';
export type { ResolvedConsumerOptions } from './consumer-options.js';
export { createMemoryTransport, MEMORY_TRANSPORT_DEFAULTS } from './memory/index.js';
export type { MemoryTransportOptions } from './memory/index.js';
export { runTransportConformance } from './conformance.js';
export type { ConformanceFactory, ConformanceOptions, ConformanceSetup } from './conformance.js';
export { createRedisTransport, REDIS_TRANSPORT_DEFAULTS, keyLayout } from './redis/index.js';
export type {
  RedisTransport,
  RedisTransportOptions,
  KeyLayout,
  TrimFloorSource,
  TrimHold,
  TrimHolder,
} from './redis/index.js';
