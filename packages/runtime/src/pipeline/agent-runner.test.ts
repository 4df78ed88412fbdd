// The pipeline scenarios on the in-memory transport (the Redis run is agent-runner.int.test.ts).
import { createMemoryTransport } from '../transport/memory/index.js';
import { pipelineCases } from './pipeline.cases.js';

pipelineCases('the memory transport', () => Promise.resolve(createMemoryTransport()));
