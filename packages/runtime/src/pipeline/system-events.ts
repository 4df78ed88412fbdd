// System events the runtime publishes about itself. Any agent may subscribe to them (e.g. to
// alert when a breaker opens). They start at hops 0 so a subscriber never hop-limits them, and
// keep the correlation of the event that caused them when there is one.
import { createEvent, type CloudEvent } from '@troupe/core';

/** Types of the system events (stable strings: subscribers match on them). */
export const SystemEventType = {
  LoopDetected: 'troupe.loop.detected',
  BudgetExceeded: 'troupe.budget.exceeded',
  BreakerOpened: 'troupe.breaker.opened',
  BreakerHalfOpened: 'troupe.breaker.half-opened',
  BreakerClosed: 'troupe.breaker.closed',
} as const;

export type SystemEventType = (typeof SystemEventType)[keyof typeof SystemEventType];

/** A system event from `nodeId`; with `cause`, it joins that event's correlation. */
export function systemEvent(
  type: SystemEventType,
  data: Record<string, unknown>,
  nodeId: string,
  cause?: CloudEvent,
  now: () => number = Date.now,
): CloudEvent {
  const event = createEvent({
    type,
    data,
    source: `troupe://node/${nodeId}`,
    now,
    ...(cause ? { correlationId: cause.correlationid, traceparent: cause.traceparent } : {}),
  });
  return cause ? { ...event, causationid: cause.id } : event;
}
