// System events the runtime publishes about itself. Any agent may subscribe to them (e.g. to
// alert when a breaker opens). Most start at hops 0 so a subscriber never hop-limits them, and
// keep the correlation of the event that caused them when there is one. `troupe.deadlettered`
// is the exception: it is a consequence of a handler's failure and a subscriber may fail too,
// so it counts hops (input + 1) and a dead letter of a `troupe.deadlettered` announces nothing
// (decision 0008: no storm of dead letters about dead letters).
import { createEvent, deriveEvent, type CloudEvent, type SerializedError } from '@troupe/core';
import type { DeadLetterInfo, DeadLetterReason, Delivery } from '../transport/contract.js';

/** Types of the system events (stable strings: subscribers match on them). */
export const SystemEventType = {
  LoopDetected: 'troupe.loop.detected',
  BudgetExceeded: 'troupe.budget.exceeded',
  BreakerOpened: 'troupe.breaker.opened',
  BreakerHalfOpened: 'troupe.breaker.half-opened',
  BreakerClosed: 'troupe.breaker.closed',
  DeadLettered: 'troupe.deadlettered',
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

/** `data` of `troupe.deadlettered`: one dead-letter entry of an agent. */
export interface DeadLetteredData {
  /** The agent (consumer group) whose dead-letter stream got the entry. */
  readonly agent: string;
  /** Id and type of the dead-lettered event (the entry holds it intact). */
  readonly eventId: string;
  readonly type: string;
  readonly reason: DeadLetterReason;
  readonly attempts: number;
  /** Why, when known: the error's stable code and message. */
  readonly error?: { readonly code: string; readonly message: string };
  /** The agent's declared `spec.emits`: what will not come from this event. */
  readonly emits: readonly string[];
}

function errorSummary(error: SerializedError | undefined): DeadLetteredData['error'] {
  return error ? { code: error.code, message: error.message } : undefined;
}

/**
 * The `troupe.deadlettered` event for one dead-lettering of `delivery` by `agent`, or undefined
 * when the dead-lettered event is itself a `troupe.deadlettered`. Same correlation, causation =
 * the dead-lettered event, hops + 1 (a subscriber that fails in a loop meets the hop limit).
 * The id is derived from (event id, `<agent>:deadletter@<stream>/<entry>`): the same delivery
 * always announces the same id, a later dead-lettering of the same event (after a redrive) a new
 * one. Exactly-once comes from the transport: it is appended atomically with the dead letter,
 * which is deduped per (group, event id).
 */
export function deadLetteredEvent(
  delivery: Delivery,
  agent: string,
  info: DeadLetterInfo,
  emits: Iterable<string>,
  nodeId: string,
  now?: () => number,
): CloudEvent<DeadLetteredData> | undefined {
  const input = delivery.event;
  if (input.type === SystemEventType.DeadLettered) return undefined;
  const error = errorSummary(info.error);
  const data: DeadLetteredData = {
    agent,
    eventId: input.id,
    type: input.type,
    reason: info.reason,
    attempts: info.attempts,
    ...(error ? { error } : {}),
    emits: [...emits],
  };
  const event = deriveEvent<DeadLetteredData>(input, {
    agent: `${agent}:deadletter@${delivery.stream}/${delivery.entryId}`,
    index: 0,
    type: SystemEventType.DeadLettered,
    data,
    ...(now ? { now } : {}),
  });
  return { ...event, source: `troupe://node/${nodeId}` };
}
