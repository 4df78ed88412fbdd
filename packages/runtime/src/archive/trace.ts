// Traces (DESIGN.md §6, `agentctl trace`): the causal tree of one correlation, built from the
// archive. Events are nodes, causation ids are edges; every node lists who handled it (agents,
// aggregators, sagas) with each attempt's outcome and duration; dead letters and the
// coordinators' state for the correlation come alongside. Pure assembly: no I/O here.
import type { CloudEvent, SerializedError } from '@troupe/core';
import type { CoordinationStateView } from '../coordination/coordinators.js';
import type { OutcomeSettlement } from '../pipeline/outcome-hook.js';
import type { DeadLetterReason } from '../transport/contract.js';
import type { ArchivedOutcome } from './event-archive.js';

export interface TraceAttempt {
  readonly attempt: number;
  readonly settlement: OutcomeSettlement;
  readonly ok: boolean;
  readonly durationMs: number;
  /** Epoch ms of the settlement. */
  readonly at: number;
  readonly nodeId: string;
  readonly error?: SerializedError;
  readonly deadLetterReason?: DeadLetterReason;
  readonly note?: string;
}

/** One consumer group's handling of one event: every attempt, and how it ended. */
export interface TraceHandling {
  readonly agent: string;
  readonly kind: 'agent' | 'aggregator' | 'saga';
  readonly attempts: TraceAttempt[];
  /** The last attempt's settlement. */
  readonly outcome: OutcomeSettlement;
}

export interface TraceNode {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  /** RFC 3339, as in the event. */
  readonly time: string;
  /** Milliseconds since the first event of the trace. */
  readonly offsetMs: number;
  readonly hops: number;
  readonly causationId?: string;
  readonly handledBy: TraceHandling[];
  readonly children: TraceNode[];
}

export interface TraceDeadLetter {
  readonly agent: string;
  readonly eventId: string;
  readonly type: string;
  readonly reason: DeadLetterReason;
  readonly attempts: number;
  readonly error?: SerializedError;
  readonly at: number;
}

export interface Trace {
  readonly correlationId: string;
  readonly eventCount: number;
  /** First event time to last settlement, in ms. */
  readonly durationMs: number;
  /** Events without a (known) cause, each with its subtree. */
  readonly roots: TraceNode[];
  readonly edges: { readonly from: string; readonly to: string }[];
  readonly deadLetters: TraceDeadLetter[];
  readonly coordination: CoordinationStateView[];
  /** Outcomes whose input event is not archived (e.g. a deadline with nothing to emit). */
  readonly unattached: TraceHandling[];
}

function group(outcomes: readonly ArchivedOutcome[]): Map<string, TraceHandling[]> {
  const byEvent = new Map<
    string,
    Map<string, { kind: TraceHandling['kind']; attempts: TraceAttempt[] }>
  >();
  for (const o of outcomes) {
    let perAgent = byEvent.get(o.eventId);
    if (!perAgent)
      byEvent.set(
        o.eventId,
        (perAgent = new Map<string, { kind: TraceHandling['kind']; attempts: TraceAttempt[] }>()),
      );
    let h = perAgent.get(o.agent);
    if (!h) perAgent.set(o.agent, (h = { kind: o.kind, attempts: [] }));
    h.attempts.push({
      attempt: o.attempt,
      settlement: o.settlement,
      ok: o.ok,
      durationMs: o.durationMs,
      at: o.at,
      nodeId: o.nodeId,
      ...(o.error ? { error: o.error } : {}),
      ...(o.deadLetterReason ? { deadLetterReason: o.deadLetterReason } : {}),
      ...(o.note ? { note: o.note } : {}),
    });
  }
  const out = new Map<string, TraceHandling[]>();
  for (const [eventId, perAgent] of byEvent)
    out.set(
      eventId,
      [...perAgent].map(([agent, h]) => ({
        agent,
        kind: h.kind,
        attempts: h.attempts,
        outcome: h.attempts[h.attempts.length - 1]!.settlement,
      })),
    );
  return out;
}

/** Assemble the trace of `correlationId` from its archived events and outcomes. */
export function buildTrace(
  correlationId: string,
  events: readonly CloudEvent[],
  outcomes: readonly ArchivedOutcome[],
  coordination: readonly CoordinationStateView[] = [],
): Trace {
  const handled = group(outcomes);
  const t0 = events.length ? Math.min(...events.map((e) => Date.parse(e.time))) : 0;
  const ids = new Set(events.map((e) => e.id));
  const nodes = new Map<string, TraceNode>();
  for (const e of events)
    nodes.set(e.id, {
      id: e.id,
      type: e.type,
      source: e.source,
      time: e.time,
      offsetMs: Date.parse(e.time) - t0,
      hops: e.hops,
      ...(e.causationid ? { causationId: e.causationid } : {}),
      handledBy: handled.get(e.id) ?? [],
      children: [],
    });
  const roots: TraceNode[] = [];
  const edges: { from: string; to: string }[] = [];
  for (const e of events) {
    const node = nodes.get(e.id)!;
    const parent = e.causationid ? nodes.get(e.causationid) : undefined;
    if (parent) {
      parent.children.push(node);
      edges.push({ from: parent.id, to: node.id });
    } else roots.push(node);
  }
  const deadLetters: TraceDeadLetter[] = outcomes
    .filter((o) => o.settlement === 'dead-lettered')
    .map((o) => ({
      agent: o.agent,
      eventId: o.eventId,
      type: nodes.get(o.eventId)?.type ?? 'unknown',
      reason: o.deadLetterReason ?? 'retries-exhausted',
      attempts: o.attempt,
      ...(o.error ? { error: o.error } : {}),
      at: o.at,
    }));
  const unattached = [...handled].filter(([id]) => !ids.has(id)).flatMap(([, hs]) => hs);
  const last = Math.max(t0, ...outcomes.map((o) => o.at), ...events.map((e) => Date.parse(e.time)));
  return {
    correlationId,
    eventCount: events.length,
    durationMs: events.length ? last - t0 : 0,
    roots,
    edges,
    deadLetters,
    coordination: [...coordination],
    unattached,
  };
}
