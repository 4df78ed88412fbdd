// The Redis Streams transport (durable, multi-process).
export { createRedisTransport } from './redis-transport.js';
export type { RedisTransport } from './redis-transport.js';
export type { TrimFloorSource, TrimHold, TrimHolder } from './trim-floors.js';
export { REDIS_TRANSPORT_DEFAULTS } from './redis-options.js';
export type { RedisTransportOptions } from './redis-options.js';
export { keyLayout } from './keys.js';
export type { KeyLayout } from './keys.js';
