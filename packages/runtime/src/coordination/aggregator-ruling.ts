// Ruling collected types out (decision 0008): an Aggregator consumes `troupe.deadlettered` and
// records the dead letters of the agents that produce its collected types. A type is ruled out
// for a correlation once every producer of it in the applied manifest set is an agent that has
// dead-lettered an event of that correlation: nothing will send it any more (short of a DLQ
// redrive, whose result then arrives late). Types with another producer (a saga, an aggregator,
// a tool, or an entry type published from outside) are never ruled out. Pure functions.
import type { DeadLetteredData } from '../pipeline/system-events.js';

/** One dead letter of a producer of a collected type, as the aggregator stored it. */
export interface ProducerDeadLetter {
  readonly agent: string;
  readonly eventId: string;
  /** Type of the dead-lettered event (the producer's input, not a collected type). */
  readonly type: string;
  readonly reason: string;
  /** The error message, when the dead letter had one. */
  readonly error?: string;
  readonly at: number;
}

/** A collected type that can no longer arrive, and why: one entry per producer agent. */
export interface RuledOut {
  readonly type: string;
  readonly agent: string;
  readonly reason: string;
  readonly error?: string;
}

/**
 * Producers of each collected type: participant ids as core's choreography graph names them
 * (`agent/<name>`, `saga/<name>`, `aggregator/<name>`, `tool/<name>`), plus `external` for an
 * entry type.
 */
export type Producers = Readonly<Record<string, readonly string[]>>;

/** The producers of `type` (own keys only: a type may be named `constructor`). */
export function producersFor(producers: Producers, type: string): readonly string[] {
  return Object.hasOwn(producers, type) ? producers[type]! : [];
}

/** The participant id of an agent. */
export const agentId = (agent: string): string => `agent/${agent}`;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `data` of a `troupe.deadlettered` event, or undefined when it is not one. */
export function parseDeadLettered(data: unknown): DeadLetteredData | undefined {
  if (!isObject(data)) return undefined;
  const { agent, eventId, type, reason, attempts, error, emits } = data;
  if (
    typeof agent !== 'string' ||
    typeof eventId !== 'string' ||
    typeof type !== 'string' ||
    typeof reason !== 'string' ||
    typeof attempts !== 'number'
  )
    return undefined;
  const message = isObject(error) && typeof error.message === 'string' ? error.message : undefined;
  const code = isObject(error) && typeof error.code === 'string' ? error.code : '';
  return {
    agent,
    eventId,
    type,
    reason: reason as DeadLetteredData['reason'],
    attempts,
    ...(message === undefined ? {} : { error: { code, message } }),
    emits: Array.isArray(emits) ? emits.filter((t): t is string => typeof t === 'string') : [],
  };
}

/** The collected types `agent` produces (in `collect` order). */
export function typesProducedBy(
  agent: string,
  collect: readonly string[],
  producers: Producers,
): string[] {
  const id = agentId(agent);
  return collect.filter((t) => producersFor(producers, t).includes(id));
}

/**
 * The types ruled out now that were not before: not arrived, not ruled out yet, with at least
 * one producer, every one of them an agent in `dead`. One entry per producer, with the reason
 * of its first dead letter.
 */
export function newlyRuledOut(
  collect: readonly string[],
  producers: Producers,
  arrived: ReadonlySet<string>,
  ruledOut: readonly RuledOut[],
  dead: readonly ProducerDeadLetter[],
): RuledOut[] {
  const already = new Set(ruledOut.map((r) => r.type));
  const firstOf = new Map<string, ProducerDeadLetter>();
  for (const d of dead) if (!firstOf.has(agentId(d.agent))) firstOf.set(agentId(d.agent), d);
  const out: RuledOut[] = [];
  for (const type of collect) {
    if (arrived.has(type) || already.has(type)) continue;
    const ps = producersFor(producers, type);
    if (ps.length === 0 || !ps.every((p) => firstOf.has(p))) continue;
    for (const p of ps) {
      const d = firstOf.get(p)!;
      out.push({
        type,
        agent: d.agent,
        reason: d.reason,
        ...(d.error === undefined ? {} : { error: d.error }),
      });
    }
  }
  return out;
}
