// A transport seen through the archive: every event published (entry events, system events,
// coordinator deadlines) and every emission a consumer commits or dead-letters is recorded,
// after the transport accepted it. A Proxy, so a transport's own extras (Redis `trim`, `keys`)
// stay reachable. Recording only appends to the archive's buffer: it never slows a settlement.
import type { CloudEvent } from '@troupe/core';
import type { Consumer, Transport } from '../transport/contract.js';
import type { EventArchive } from './event-archive.js';

function archivedConsumer(consumer: Consumer, archive: EventArchive): Consumer {
  return {
    fetch: (max, blockMs) => consumer.fetch(max, blockMs),
    async commit(delivery, emissions) {
      const result = await consumer.commit(delivery, emissions);
      if (result === 'committed') archive.recordEvents(emissions);
      return result;
    },
    retry: (delivery, delayMs, error) => consumer.retry(delivery, delayMs, error),
    async deadLetter(delivery, info, emissions) {
      await consumer.deadLetter(delivery, info, emissions);
      if (emissions?.length) archive.recordEvents(emissions);
    },
    heartbeat: (deliveries) => consumer.heartbeat(deliveries),
    close: () => consumer.close(),
  };
}

/** Wrap `transport` so that what moves through it is archived. */
export function archivedTransport<T extends Transport>(transport: T, archive: EventArchive): T {
  return new Proxy(transport, {
    get(target, prop) {
      if (prop === 'publish')
        return async (events: readonly CloudEvent[]) => {
          await target.publish(events);
          archive.recordEvents(events);
        };
      if (prop === 'consume')
        return async (options: Parameters<Transport['consume']>[0]) =>
          archivedConsumer(await target.consume(options), archive);
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
