// The system-event sink: a consumer group of the runtime's own over every `troupe.*` system
// type, which settles each entry at once with nothing emitted. On Redis a stream that no group
// reads is never trimmed (the trimmer trims below what every group still needs, and a stream
// without groups needs "everything"), so system events nobody subscribes to would grow their
// streams forever. With this group on them, the transport's ordinary safe trim bounds them,
// while live observers (`agentctl logs`, waits) and the archive still see every system event.
// The in-memory transport drops entries no group needs on its own, so the runtime starts the
// sink only on a durable transport. Decision record: docs/decisions/0008-deadletter-system-event.md.
import { serializeError, type Logger } from '@troupe/core';
import type { Consumer, Delivery, Transport } from '../transport/contract.js';
import { SystemEventType } from './system-events.js';

/** Group name of the sink: not a DNS label, so no Agent/Aggregator/Saga can take it. */
export const SYSTEM_SINK_GROUP = 'troupe.system-sink';

export interface SystemEventSinkOptions {
  readonly transport: Pick<Transport, 'consume'>;
  readonly nodeId: string;
  readonly visibilityTimeoutMs: number;
  readonly fetchBlockMs: number;
  readonly log: Logger;
}

export interface SystemEventSink {
  /** Entries settled since start (tests, metrics). */
  readonly settled: number;
  stop(): Promise<void>;
}

const BATCH = 256;
const ERROR_PAUSE_MS = 500;

export async function startSystemEventSink(o: SystemEventSinkOptions): Promise<SystemEventSink> {
  const consumer: Consumer = await o.transport.consume({
    group: SYSTEM_SINK_GROUP,
    types: Object.values(SystemEventType),
    consumer: o.nodeId,
    visibilityTimeoutMs: o.visibilityTimeoutMs,
  });
  let running = true;
  let settled = 0;
  const settle = async (d: Delivery): Promise<void> => {
    await consumer.commit(d, []);
    settled++;
  };
  const loop = (async () => {
    while (running) {
      try {
        const deliveries = await consumer.fetch(BATCH, o.fetchBlockMs);
        await Promise.all(deliveries.map(settle));
      } catch (err) {
        // Unsettled entries stay pending and come back; an outage must not spin the loop.
        o.log.warn('system-event sink: fetch or settle failed', { error: serializeError(err) });
        if (running) await new Promise((r) => setTimeout(r, ERROR_PAUSE_MS));
      }
    }
  })();
  return {
    get settled() {
      return settled;
    },
    async stop() {
      if (!running) return;
      running = false;
      await loop;
      await consumer.close();
    },
  };
}
