// A transport seen through the archive: every event published (entry events, system events,
// coordinator deadlines) and every emission a consumer commits or dead-letters is recorded,
// after the transport accepted it. A Proxy, so a transport's own extras (Redis `trim`, `keys`)
// stay reachable. Recording only appends to the archive's buffer: it never slows a settlement.
// Each call is bracketed with `archive.begin()` / `end()` so the archive's watermark covers the
// events from before they are appended until they are written (decision 0007).
import type { CloudEvent } from '@troupe/core';
import type { Consumer, TransportPublishOptions, Transport } from '../transport/contract.js';
import type { EventArchive } from './event-archive.js';

/** Run `call` with the watermark held at its start; `archived` picks what to record from its result. */
async function tracked<T>(
  archive: EventArchive,
  call: () => Promise<T>,
  archived: (result: T) => readonly CloudEvent[] | undefined,
): Promise<T> {
  const since = archive.begin();
  try {
    const result = await call();
    const events = archived(result);
    if (events?.length) archive.recordEvents(events, since);
    return result;
  } finally {
    archive.end(since);
  }
}

function archivedConsumer(consumer: Consumer, archive: EventArchive): Consumer {
  return {
    fetch: (max, blockMs) => consumer.fetch(max, blockMs),
    commit: (delivery, emissions) =>
      tracked(
        archive,
        () => consumer.commit(delivery, emissions),
        (result) => (result === 'committed' ? emissions : undefined),
      ),
    deadLetter: (delivery, info, emissions) =>
      tracked(
        archive,
        () => consumer.deadLetter(delivery, info, emissions),
        () => emissions,
      ),
    retry: (delivery, delayMs, error) => consumer.retry(delivery, delayMs, error),
    heartbeat: (deliveries) => consumer.heartbeat(deliveries),
    close: () => consumer.close(),
  };
}

/**
 * Wrap `transport` so that what moves through it is archived. `ready`: appends wait for it once
 * (the archive's first watermark reaching Redis, so trimming never sees this node without one).
 */
export function archivedTransport<T extends Transport>(
  transport: T,
  archive: EventArchive,
  ready?: Promise<void>,
): T {
  let gate = ready;
  void ready?.then(() => (gate = undefined));
  return new Proxy(transport, {
    get(target, prop) {
      if (prop === 'publish')
        return async (events: readonly CloudEvent[], options?: TransportPublishOptions) => {
          if (gate) await gate;
          await tracked(
            archive,
            () => target.publish(events, options),
            () => events,
          );
        };
      if (prop === 'consume')
        return async (options: Parameters<Transport['consume']>[0]) => {
          if (gate) await gate;
          return archivedConsumer(await target.consume(options), archive);
        };
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
