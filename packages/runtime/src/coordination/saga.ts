// The Saga as pure logic (DESIGN.md §3): on `trigger`, emit step 1's `command`; on the current
// step's `success`, the next step's command (or `emits.completed` after the last); on its
// `failure`, or when the step's deadline passes, the `compensate` events of the completed steps
// in reverse order and then `emits.failed`. Replies for another step or after the end are
// recorded and ignored. The runner (coordinator-runner.ts) owns storage, commits and timers.
//
// Payloads: a command carries `{ saga, step, input, previous }` (input = the trigger's data,
// previous = the data of the last step's success or null); a compensation `{ saga, step, input }`;
// completed `{ saga, steps, input, result }`; failed `{ saga, failedStep, reason, error,
// compensated }` with reason `failure` (error = the failure event's data) or `timeout`.
import { deriveEvent, type CloudEvent, type SagaManifest } from '@troupe/core';
import type { CoordinatorLogic, Decision } from './coordinator-runner.js';

/** Default of a Saga's whole-saga `spec.timeoutMs` (the manifest schema's default). */
export const SAGA_DEFAULT_TIMEOUT_MS = 120_000;

export type SagaStatus = 'running' | 'completed' | 'failed';

/** One correlation's saga state, as stored. */
export interface SagaState {
  readonly status: SagaStatus;
  /** Index of the step running now (or the last one that ran). */
  readonly step: number;
  /** Names of the steps that succeeded, in order. */
  readonly completed: string[];
  readonly input: unknown;
  /** Data of the last success reply (the next command's `previous`). */
  readonly previous: unknown;
  readonly startedAt: number;
  readonly deadline: number | null;
  /** The event that emitted the current command (data dropped): timeout emissions derive from it. */
  readonly cause: CloudEvent;
  /** What happened, in order (the trace shows it). */
  readonly history: { at: number; note: string; eventId?: string }[];
  readonly failure?: { step: string; reason: 'failure' | 'timeout' };
}

export interface SagaLogicOptions {
  /** How long a finished saga's state is kept (late replies, traces). */
  readonly retentionMs: number;
}

export function sagaLogic(
  manifest: SagaManifest,
  options: SagaLogicOptions,
): CoordinatorLogic<SagaState> {
  const { name } = manifest.metadata;
  const spec = manifest.spec;
  const sagaTimeoutMs = spec.timeoutMs ?? SAGA_DEFAULT_TIMEOUT_MS;
  const types = [...new Set([spec.trigger, ...spec.steps.flatMap((s) => [s.success, s.failure])])];

  function stepDeadline(startedAt: number, step: number, now: number): number {
    const own = spec.steps[step]!.timeoutMs;
    const whole = startedAt + sagaTimeoutMs;
    return own === undefined ? whole : Math.min(whole, now + own);
  }

  function derive(
    from: CloudEvent,
    agent: string,
    index: number,
    type: string,
    data: unknown,
    now: number,
  ): CloudEvent {
    return deriveEvent(from, { agent, index, type, data, now: () => now });
  }

  /** Compensations of the completed steps (reverse order), then `failed`. */
  function fail(
    state: SagaState,
    from: CloudEvent,
    agent: string,
    reason: 'failure' | 'timeout',
    error: unknown,
    now: number,
    eventId?: string,
  ): Decision<SagaState> {
    const failedStep = spec.steps[state.step]!.name;
    const undo = [...state.completed]
      .reverse()
      .map((n) => spec.steps.find((s) => s.name === n)!)
      .filter((s) => s.compensate !== undefined);
    const emit = undo.map((s, i) =>
      derive(from, agent, i, s.compensate!, { saga: name, step: s.name, input: state.input }, now),
    );
    emit.push(
      derive(
        from,
        agent,
        emit.length,
        spec.emits.failed,
        { saga: name, failedStep, reason, error, compensated: undo.map((s) => s.name) },
        now,
      ),
    );
    const note = `step ${failedStep} ${reason === 'timeout' ? 'timed out' : 'failed'}: compensated [${undo.map((s) => s.name).join(', ')}], failed`;
    return {
      state: {
        ...state,
        status: 'failed',
        deadline: null,
        failure: { step: failedStep, reason },
        history: [...state.history, { at: now, note, ...(eventId ? { eventId } : {}) }],
      },
      emit,
      deadline: null,
      note,
    };
  }

  function command(step: number, input: unknown, previous: unknown) {
    const s = spec.steps[step]!;
    return { type: s.command, data: { saga: name, step: s.name, input, previous } };
  }

  return {
    kind: 'saga',
    name,
    types,

    onEvent(state, event, now): Decision<SagaState> | undefined {
      const note = (s: SagaState, text: string): Decision<SagaState> => ({
        state: { ...s, history: [...s.history, { at: now, note: text, eventId: event.id }] },
        emit: [],
        deadline: s.deadline,
        note: text,
      });
      if (!state) {
        if (event.type !== spec.trigger) return undefined;
        const c = command(0, event.data, null);
        const text = `started: step ${spec.steps[0]!.name}`;
        return {
          state: {
            status: 'running',
            step: 0,
            completed: [],
            input: event.data,
            previous: null,
            startedAt: now,
            deadline: stepDeadline(now, 0, now),
            cause: { ...event, data: null },
            history: [{ at: now, note: text, eventId: event.id }],
          },
          emit: [derive(event, name, 0, c.type, c.data, now)],
          deadline: stepDeadline(now, 0, now),
          note: text,
        };
      }
      if (state.status !== 'running')
        return note(state, `${event.type} after the saga ${state.status}: ignored`);
      const current = spec.steps[state.step]!;
      if (event.type === current.success) {
        const completed = [...state.completed, current.name];
        const last = state.step === spec.steps.length - 1;
        if (last) {
          const text = `step ${current.name} done: completed`;
          const done = derive(
            event,
            name,
            0,
            spec.emits.completed,
            {
              saga: name,
              steps: completed,
              input: state.input,
              result: event.data,
            },
            now,
          );
          return {
            state: {
              ...state,
              status: 'completed',
              completed,
              previous: event.data,
              deadline: null,
              history: [...state.history, { at: now, note: text, eventId: event.id }],
            },
            emit: [done],
            deadline: null,
            note: text,
          };
        }
        const step = state.step + 1;
        const c = command(step, state.input, event.data);
        const text = `step ${current.name} done: step ${spec.steps[step]!.name} started`;
        const deadline = stepDeadline(state.startedAt, step, now);
        return {
          state: {
            ...state,
            step,
            completed,
            previous: event.data,
            deadline,
            cause: { ...event, data: null },
            history: [...state.history, { at: now, note: text, eventId: event.id }],
          },
          emit: [derive(event, name, 0, c.type, c.data, now)],
          deadline,
          note: text,
        };
      }
      if (event.type === current.failure)
        return fail(state, event, name, 'failure', event.data, now, event.id);
      return note(state, `${event.type} is not a reply of step ${current.name}: ignored`);
    },

    onDeadline(state, now): Decision<SagaState> {
      if (state.status !== 'running')
        return {
          state: { ...state, deadline: null },
          emit: [],
          deadline: null,
          note: 'deadline after the end',
        };
      return fail(state, state.cause, `${name}:timeout`, 'timeout', null, now);
    },

    retentionMs(state) {
      return state.status === 'running' ? undefined : options.retentionMs;
    },
  };
}
