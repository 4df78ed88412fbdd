// The system-event sink on the in-memory transport: it settles every system event at once and
// nothing else, and stops cleanly (the Redis trimming it enables: system-event-sink.int.test.ts).
import { createEvent, silentLogger } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { createMemoryTransport } from '../transport/memory/index.js';
import { SYSTEM_SINK_GROUP, startSystemEventSink } from './system-event-sink.js';
import { SystemEventType, systemEvent } from './system-events.js';
import { until } from './testing.js';

describe('system-event sink', () => {
  it('settles every troupe.* system event with nothing emitted, and only those', async () => {
    const transport = createMemoryTransport();
    const sink = await startSystemEventSink({
      transport,
      nodeId: 'n1',
      visibilityTimeoutMs: 1000,
      fetchBlockMs: 20,
      log: silentLogger,
    });
    try {
      await transport.publish([
        ...Object.values(SystemEventType).map((t) => systemEvent(t, {}, 'n1')),
        createEvent({ type: 'Job', data: {} }),
      ]);
      const n = Object.values(SystemEventType).length;
      await until('all settled', () => sink.settled === n);
      const stats = await transport.stats(SYSTEM_SINK_GROUP, Object.values(SystemEventType));
      expect(stats).toEqual({ pending: 0, lag: 0, deadLetters: 0 });
      await new Promise((r) => setTimeout(r, 100));
      expect(sink.settled).toBe(n);
    } finally {
      await sink.stop();
      await sink.stop(); // idempotent
      await transport.close();
    }
  });

  it('keeps fetching after a failed settle (the entry stays pending and comes back)', async () => {
    const transport = createMemoryTransport();
    let failures = 0;
    const flaky: typeof transport = new Proxy(transport, {
      get(t, prop) {
        if (prop === 'consume')
          return async (o: Parameters<typeof t.consume>[0]) => {
            const c = await t.consume(o);
            return {
              ...c,
              fetch: (m: number, b: number) => c.fetch(m, b),
              close: () => c.close(),
              commit: (...a: Parameters<typeof c.commit>) =>
                failures++ === 0 ? Promise.reject(new Error('down')) : c.commit(...a),
            };
          };
        const v: unknown = Reflect.get(t, prop);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
    const warned: string[] = [];
    const sink = await startSystemEventSink({
      transport: flaky,
      nodeId: 'n1',
      visibilityTimeoutMs: 200,
      fetchBlockMs: 20,
      log: { ...silentLogger, warn: (m: string) => void warned.push(m) },
    });
    try {
      await transport.publish([systemEvent(SystemEventType.BreakerOpened, {}, 'n1')]);
      await until('settled after the failure', () => sink.settled === 1, 5000);
      expect(warned).toEqual(['system-event sink: fetch or settle failed']);
    } finally {
      await sink.stop();
      await transport.close();
    }
  });
});
