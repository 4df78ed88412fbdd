// Hop limit: an event whose `hops` exceeds the agent's `maxHops` is a runaway loop. It goes to
// the DLQ (`hop-limit`) without running, with a `troupe.loop.detected` system event.
import { ErrorCode, type CloudEvent } from '@troupe/core';
import { reject, type Rejection } from './rejection.js';
import { SystemEventType, systemEvent } from './system-events.js';

export function checkHops(
  event: CloudEvent,
  agent: string,
  maxHops: number,
  nodeId: string,
  now: () => number = Date.now,
): Rejection | undefined {
  if (event.hops <= maxHops) return undefined;
  const data = { agent, type: event.type, hops: event.hops, maxHops, eventId: event.id };
  return reject(
    'hop-limit',
    ErrorCode.HopLimit,
    `event ${event.id} (${event.type}) has ${event.hops} hops, over ${agent}'s maxHops ${maxHops}: a runaway loop was stopped`,
    { hops: event.hops, maxHops },
    [systemEvent(SystemEventType.LoopDetected, data, nodeId, event, now)],
  );
}
