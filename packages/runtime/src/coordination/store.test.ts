// The coordination store contract on the in-memory store (Redis: redis-store.int.test.ts).
import { createMemoryCoordinationStore } from './memory-store.js';
import { storeCases } from './store.cases.js';

storeCases('memory', () =>
  Promise.resolve({ store: createMemoryCoordinationStore(), cleanup: () => Promise.resolve() }),
);
