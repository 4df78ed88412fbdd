// Traces and replay on the in-memory transport (the Redis run is trace-replay.int.test.ts).
import { createMemoryTransport } from '../transport/memory/index.js';
import { traceReplayCases } from './trace-replay.cases.js';

traceReplayCases('the memory transport', () => Promise.resolve(createMemoryTransport()));
