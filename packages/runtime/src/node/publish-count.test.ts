// runtime.publish counts the entry event against its correlation budget atomically with its
// append (`publish(…, { countCorrelation: true })`), also through the archive's wrapper.
import { describe, expect, it } from 'vitest';
import { archivedTransport } from '../archive/archive-transport.js';
import { createEventArchive } from '../archive/event-archive.js';
import { eventTypeManifest } from '../pipeline/testing.js';
import { createMemoryTransport } from '../transport/index.js';
import type { Transport } from '../transport/contract.js';
import { createRuntime } from './runtime.js';

async function countOnePublish(transport: Transport, counter: Transport): Promise<number> {
  const rt = createRuntime({ transport, nodeId: 'n' });
  try {
    await rt.apply([eventTypeManifest('Ping', { entry: true })]);
    const ev = await rt.publish('Ping', {});
    return await counter.countCorrelation(ev.correlationid, 0);
  } finally {
    await rt.close();
  }
}

describe('runtime.publish and the correlation budget', () => {
  it('counts the published event once against its correlation', async () => {
    const memory = createMemoryTransport();
    expect(await countOnePublish(memory, memory)).toBe(1);
  });

  it('counts it through the archive wrapper too (the publish options are passed on)', async () => {
    const memory = createMemoryTransport();
    const archive = await createEventArchive({ filename: ':memory:', flushIntervalMs: 60_000 });
    try {
      expect(await countOnePublish(archivedTransport(memory, archive), memory)).toBe(1);
    } finally {
      await archive.close();
    }
  });
});
