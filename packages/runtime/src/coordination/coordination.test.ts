// The Aggregator and Saga scenarios, and the aggregator's ruling-out by dead letters, on the
// in-memory transport and store (the Redis run is coordination.int.test.ts). A "restart" here is a new runtime over the same transport and
// store objects (their close is a no-op), which is what survives inside one process.
import { createMemoryTransport } from '../transport/memory/index.js';
import { coordinationCases } from './coordination.cases.js';
import { createMemoryCoordinationStore } from './memory-store.js';
import { rulingCases } from './ruling.cases.js';
import { keepOpen } from './testing.js';

coordinationCases('the memory transport', () => {
  const transport = keepOpen(createMemoryTransport());
  const store = keepOpen(createMemoryCoordinationStore());
  return Promise.resolve({
    open: () => Promise.resolve({ transport, store }),
    cleanup: () => Promise.resolve(),
  });
});

rulingCases('the memory transport', () => {
  const transport = keepOpen(createMemoryTransport());
  const store = keepOpen(createMemoryCoordinationStore());
  return Promise.resolve({
    open: () => Promise.resolve({ transport, store }),
    cleanup: () => Promise.resolve(),
  });
});
