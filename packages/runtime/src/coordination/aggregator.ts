// The Aggregator as pure logic (DESIGN.md §3): per correlation id, collect the first event of
// each listed type, and emit the output event exactly once: as soon as core's quorum is met (or
// can no longer be met), or when the durable deadline passes, with what arrived. Arrivals after
// the emission are recorded in the state (the trace shows them) and never re-emitted.
// The runner (coordinator-runner.ts) owns storage, commits and timers.
import {
  deriveEvent,
  evaluateQuorum,
  resolveQuorum,
  type AggregatorManifest,
  type CloudEvent,
  type ResolvedQuorum,
} from '@troupe/core';
import type { CoordinatorLogic, Decision } from './coordinator-runner.js';

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
}

export interface AggregatorLogicOptions {
  /** How long a finished correlation's state is kept (late arrivals, traces). */
  readonly retentionMs: number;
}

export function aggregatorLogic(
  manifest: AggregatorManifest,
  options: AggregatorLogicOptions,
): CoordinatorLogic<AggregatorState> & { readonly quorum: ResolvedQuorum } {
  const { name } = manifest.metadata;
  const spec = manifest.spec;
  const quorum = resolveQuorum(spec.quorum, spec.collect, `aggregators/${name}.spec.quorum`);
  const timeoutMs = spec.timeoutMs ?? AGGREGATOR_DEFAULT_TIMEOUT_MS;

  function output(
    state: AggregatorState,
    from: CloudEvent,
    agent: string,
    now: number,
  ): { event: CloudEvent<AggregateData>; complete: boolean; possible: boolean } {
    const arrivedSet = new Set(Object.keys(state.results));
    const q = evaluateQuorum(quorum, arrivedSet);
    const arrived = quorum.collect.filter((t) => arrivedSet.has(t));
    const results = Object.fromEntries(arrived.map((t) => [t, state.results[t]!.data]));
    const event = deriveEvent<AggregateData>(from, {
      agent,
      index: 0,
      type: spec.emits,
      data: { complete: q.met, arrived, missing: q.missing, results },
      now: () => now,
    });
    return { event, complete: q.met, possible: q.possible };
  }

  return {
    kind: 'aggregator',
    name,
    types: quorum.collect,
    quorum,

    onEvent(state, event, now): Decision<AggregatorState> | undefined {
      if (!quorum.collect.includes(event.type)) return undefined;
      const current: AggregatorState = state ?? {
        results: {},
        startedAt: now,
        deadline: now + timeoutMs,
        cause: { ...event, data: null },
        late: [],
      };
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
      const out = output(collected, event, name, now);
      if (!out.complete && out.possible) {
        const have = Object.keys(collected.results).length;
        return {
          state: collected,
          emit: [],
          deadline: collected.deadline,
          note: `collected ${have}/${quorum.collect.length} (quorum ${quorum.need})`,
        };
      }
      const by = out.complete ? 'quorum' : 'impossible';
      return {
        state: {
          ...collected,
          deadline: null,
          emitted: { eventId: out.event.id, complete: out.complete, at: now, by },
        },
        emit: [out.event],
        deadline: null,
        note: out.complete ? 'quorum met: emitted' : 'quorum impossible: emitted',
      };
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
