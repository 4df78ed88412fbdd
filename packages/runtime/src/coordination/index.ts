// Coordination kinds (DESIGN.md §3): the Aggregator (fan-in by correlation id with a quorum and
// a durable timeout) and the Saga (ordered steps with compensations). Each is a consumer group
// of its own on the transport; state and deadlines live in a coordination store (memory or
// Redis). Decision records: docs/decisions/0004-coordination.md, 0008-deadletter-system-event.md.
export type { CoordinationStore, StoredState } from './store.js';
export { createMemoryCoordinationStore } from './memory-store.js';
export { REDIS_COORDINATION_DEFAULTS, createRedisCoordinationStore } from './redis-store.js';
export type { RedisCoordinationStoreOptions } from './redis-store.js';
export { CoordinatorRunner } from './coordinator-runner.js';
export type {
  CoordinatorLogic,
  CoordinatorRecord,
  CoordinatorRunnerOptions,
  Decision,
} from './coordinator-runner.js';
export { AGGREGATOR_DEFAULT_TIMEOUT_MS, aggregatorLogic } from './aggregator.js';
export type {
  AggregateData,
  AggregatorLogicOptions,
  AggregatorState,
  ProducerDeadLetter,
  Producers,
  RuledOut,
} from './aggregator.js';
export { SAGA_DEFAULT_TIMEOUT_MS, sagaLogic } from './saga.js';
export type { SagaLogicOptions, SagaState, SagaStatus } from './saga.js';
export { COORDINATION_DEFAULTS, Coordinators, producersOf } from './coordinators.js';
export type {
  CoordinationOptions,
  CoordinationStateView,
  CoordinatorsInput,
  CoordinatorsPlan,
} from './coordinators.js';
