// runtime.publish counts the entry event against its correlation budget in the same round trip
// as the append: a failed count is logged and does not fail (or duplicate) the publish.
import { ErrorCode, TroupeError, type CloudEvent, type Logger } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { eventTypeManifest } from '../pipeline/testing.js';
import { createMemoryTransport } from '../transport/index.js';
import type { Transport } from '../transport/contract.js';
import { createRuntime } from './runtime.js';

function recordingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, error() {}, warn: (m) => void warnings.push(m) };
}

describe('runtime.publish and the correlation budget', () => {
  it('counts the published event once against its correlation', async () => {
    const transport = createMemoryTransport();
    const rt = createRuntime({ transport, nodeId: 'n' });
    try {
      await rt.apply([eventTypeManifest('Ping', { entry: true })]);
      const ev = await rt.publish('Ping', {});
      expect(await transport.countCorrelation(ev.correlationid, 0)).toBe(1);
    } finally {
      await rt.close();
    }
  });

  it('a count that fails is logged; the event is still published once and returned', async () => {
    const memory = createMemoryTransport();
    const transport: Transport = Object.assign(Object.create(memory) as Transport, {
      countCorrelation: () =>
        Promise.reject(new TroupeError(ErrorCode.TransportUnavailable, 'count refused')),
    });
    const log = recordingLog();
    const rt = createRuntime({ transport, nodeId: 'n', options: { log } });
    const seen: CloudEvent[] = [];
    await memory.observe(['Ping'], (e) => seen.push(e));
    try {
      await rt.apply([eventTypeManifest('Ping', { entry: true })]);
      const ev = await rt.publish('Ping', {});
      expect(seen.map((e) => e.id)).toEqual([ev.id]);
      expect(log.warnings).toContain(
        'could not count a published event against its correlation budget',
      );
    } finally {
      await rt.close();
    }
  });
});
