// Pins the public runtime exports of the SDK area (the context types are type-only exports,
// checked by tsc through the other tests): adding one is a deliberate API change.
import { expect, it } from 'vitest';
import * as sdk from './index.js';

it('exports exactly the documented SDK API', () => {
  expect(Object.keys(sdk).sort()).toEqual([
    'capabilityUnavailable',
    'createMemoryWorkspace',
    'createTestContext',
    'defineAgent',
    'runHandler',
    'silentLogger',
  ]);
});
