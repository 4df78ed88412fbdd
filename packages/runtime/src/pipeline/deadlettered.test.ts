// troupe.deadlettered scenarios on the in-memory transport (the Redis run is
// deadlettered.int.test.ts).
import { createMemoryTransport } from '../transport/memory/index.js';
import { deadLetteredCases } from './deadlettered.cases.js';

deadLetteredCases('the memory transport', () => Promise.resolve(createMemoryTransport()));
