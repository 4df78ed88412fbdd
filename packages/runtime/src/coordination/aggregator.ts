// The Aggregator as pure logic (DESIGN.md §3): per correlation id, collect the first event of
// each listed type, and emit the output event exactly once: as soon as core's quorum is met (or
// can no longer be met), or when the durable deadline passes, with what arrived. "Can no longer
// be met" comes from `troupe.deadlettered`: a collected type is ruled out once every agent that
// produces it dead-lettered an event of the correlation (aggregator-ruling.ts, decision 0008).
// Arrivals after the emission are recorded in the state (the trace shows them) and never
// re-emitted. The runner (coordinator-runner.ts) owns storage, commits and timers.
import {
  deriveEvent,
  evaluateQuorum,
  resolveQuorum,
  type AggregatorManifest,
  type CloudEvent,
  type ResolvedQuorum,
} from '@troupe/core';
import { SystemEventType } from '../pipeline/system-events.js';
import {
  newlyRuledOut,
  producersFor,
  parseDeadLettered,
  typesProducedBy,
  type ProducerDeadLetter,
  type Producers,
  type RuledOut,
} from './aggregator-ruling.js';
import type { CoordinatorLogic, Decision } from './coordinator-runner.js';

export type { ProducerDeadLetter, Producers, RuledOut } from './aggregator-ruling.js';

/** Default of an Aggregator's `spec.timeoutMs` (the manifest schema's default). */
export const AGGREGATOR_DEFAULT_TIMEOUT_MS = 60_000;

/** The output event's `data`. */
export interface AggregateData {
  /** The quorum was met. */
  readonly complete: boolean;
  /** Collected types that arrived before the emission, in `collect` order. */
  readonly arrived: string[];
  /** Collected types that had not, in `collect` order. */
  readonly missing: string[];
  /** The `data` of the first event of each arrived type. */
  readonly results: Record<string, unknown>;
  /** Missing types that were ruled out, with the producer that dead-lettered and why. */
  readonly failed: RuledOut[];
}

/** One correlation's aggregator state, as stored. */
export interface AggregatorState {
  readonly results: Record<string, { eventId: string; data: unknown; at: number }>;
  readonly startedAt: number;
  readonly deadline: number | null;
  /** The first collected event (data dropped): timeout emissions derive from it. */
  readonly cause: CloudEvent;
  readonly emitted?: {
    eventId: string;
    complete: boolean;
    at: number;
    by: 'quorum' | 'impossible' | 'timeout';
  };
  /** Arrivals after the emission, and repeats of a type that had already arrived. */
  readonly late: { type: string; eventId: string; at: number; repeat: boolean }[];
  /** Dead letters of producers of collected types (absent in states written before 0008). */
  readonly deadLettered?: ProducerDeadLetter[];
  /** Collected types ruled out before the emission (absent in states written before 0008). */
  readonly ruledOut?: RuledOut[];
}

export interface AggregatorLogicOptions {
  /** How long a finished correlation's state is kept (late arrivals, traces). */
  readonly retentionMs: number;
  /**
   * Producers of each collected type in the applied manifest set (`Coordinators` computes
   * them). Absent or without any agent producer: nothing is ever ruled out and
   * `troupe.deadlettered` is not consumed.
   */
  readonly producers?: Producers;
}

export function aggregatorLogic(
  manifest: AggregatorManifest,
  options: AggregatorLogicOptions,
): CoordinatorLogic<AggregatorState> & { readonly quorum: ResolvedQuorum } {
  const { name } = manifest.metadata;
  const spec = manifest.spec;
  const quorum = resolveQuorum(spec.quorum, spec.collect, `aggregators/${name}.spec.quorum`);
  const timeoutMs = spec.timeoutMs ?? AGGREGATOR_DEFAULT_TIMEOUT_MS;
  const producers: Producers = options.producers ?? {};
  // Consume dead-letter announcements only when some collected type can be ruled out by them.
  const rulable = quorum.collect.some((t) =>
    producersFor(producers, t).some((p) => p.startsWith('agent/')),
  );
  const types = rulable
    ? [...new Set([...quorum.collect, SystemEventType.DeadLettered])]
    : quorum.collect;

  /** A correlation's first state, started by `event` (collected or a producer's dead letter). */
  const start = (event: CloudEvent, now: number): AggregatorState => ({
    results: {},
    startedAt: now,
    deadline: now + timeoutMs,
    cause: { ...event, data: null },
    late: [],
  });

  function output(
    state: AggregatorState,
    from: CloudEvent,
    agent: string,
    now: number,
  ): { event: CloudEvent<AggregateData>; complete: boolean; possible: boolean } {
    const arrivedSet = new Set(Object.keys(state.results));
    const ruledOut = state.ruledOut ?? [];
    const q = evaluateQuorum(quorum, arrivedSet, new Set(ruledOut.map((r) => r.type)));
    const arrived = quorum.collect.filter((t) => arrivedSet.has(t));
    const results = Object.fromEntries(arrived.map((t) => [t, state.results[t]!.data]));
    const failed = ruledOut.filter((r) => !arrivedSet.has(r.type));
    const event = deriveEvent<AggregateData>(from, {
      agent,
      index: 0,
      type: spec.emits,
      data: { complete: q.met, arrived, missing: q.missing, results, failed },
      now: () => now,
    });
    return { event, complete: q.met, possible: q.possible };
  }

  /** Emit when the quorum is met or impossible; otherwise keep waiting with `note`. */
  function decide(
    next: AggregatorState,
    from: CloudEvent,
    now: number,
    note: string,
  ): Decision<AggregatorState> {
    const out = output(next, from, name, now);
    if (!out.complete && out.possible)
      return { state: next, emit: [], deadline: next.deadline, note };
    const by = out.complete ? 'quorum' : 'impossible';
    const failed = out.event.data.failed.map((f) => f.type);
    return {
      state: {
        ...next,
        deadline: null,
        emitted: { eventId: out.event.id, complete: out.complete, at: now, by },
      },
      emit: [out.event],
      deadline: null,
      note: out.complete
        ? 'quorum met: emitted'
        : `quorum impossible (ruled out: ${[...new Set(failed)].join(', ')}): emitted`,
    };
  }

  /** A producer's dead letter: record it, rule out what it was the last hope for, decide. */
  function onDeadLettered(
    state: AggregatorState | undefined,
    event: CloudEvent,
    now: number,
  ): Decision<AggregatorState> | undefined {
    const d = parseDeadLettered(event.data);
    if (!d) return undefined;
    const produced = typesProducedBy(d.agent, quorum.collect, producers);
    if (produced.length === 0) return undefined; // not a producer of anything collected
    // A producer's dead letter starts the correlation like a collected event would.
    const current = state ?? start(event, now);
    const entry: ProducerDeadLetter = {
      agent: d.agent,
      eventId: d.eventId,
      type: d.type,
      reason: d.reason,
      ...(d.error ? { error: d.error.message } : {}),
      at: now,
    };
    const dead = [...(current.deadLettered ?? []), entry];
    const what = `${d.agent} dead-lettered ${d.type} (${d.reason})`;
    if (current.emitted)
      return {
        state: { ...current, deadLettered: dead },
        emit: [],
        deadline: current.deadline,
        note: `late: ${what} after the emission`,
      };
    const prior = current.ruledOut ?? [];
    const ruled = newlyRuledOut(
      quorum.collect,
      producers,
      new Set(Object.keys(current.results)),
      prior,
      dead,
    );
    const next: AggregatorState = {
      ...current,
      deadLettered: dead,
      ruledOut: [...prior, ...ruled],
    };
    const types = [...new Set(ruled.map((r) => r.type))];
    return decide(
      next,
      event,
      now,
      types.length
        ? `${what}: ruled out ${types.join(', ')}`
        : `${what}: ${produced.join(', ')} still possible`,
    );
  }

  return {
    kind: 'aggregator',
    name,
    types,
    quorum,

    onEvent(state, event, now): Decision<AggregatorState> | undefined {
      if (!quorum.collect.includes(event.type))
        return event.type === SystemEventType.DeadLettered && rulable
          ? onDeadLettered(state, event, now)
          : undefined;
      const current: AggregatorState = state ?? start(event, now);
      if (current.emitted || current.results[event.type]) {
        const repeat = !current.emitted;
        return {
          state: {
            ...current,
            late: [...current.late, { type: event.type, eventId: event.id, at: now, repeat }],
          },
          emit: [],
          deadline: current.deadline,
          note: repeat ? `repeat of ${event.type} ignored` : 'late: already emitted',
        };
      }
      const collected: AggregatorState = {
        ...current,
        results: {
          ...current.results,
          [event.type]: { eventId: event.id, data: event.data, at: now },
        },
      };
      const have = Object.keys(collected.results).length;
      return decide(
        collected,
        event,
        now,
        `collected ${have}/${quorum.collect.length} (quorum ${quorum.need})`,
      );
    },

    onDeadline(state, now): Decision<AggregatorState> {
      if (state.emitted)
        return { state, emit: [], deadline: null, note: 'deadline after emission' };
      const out = output(state, state.cause, `${name}:timeout`, now);
      return {
        state: {
          ...state,
          deadline: null,
          emitted: { eventId: out.event.id, complete: out.complete, at: now, by: 'timeout' },
        },
        emit: [out.event],
        deadline: null,
        note: `timeout: emitted with ${out.event.data.missing.length} missing`,
      };
    },

    retentionMs(state) {
      return state.emitted ? options.retentionMs : undefined;
    },
  };
}
