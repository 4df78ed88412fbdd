// The outcome hook: one record per settled handling (agent runners) or coordination step
// (aggregators, sagas), handed to whoever listens (the event archive) after the settlement.
// The pipeline only calls it synchronously and never waits for it, so a slow listener cannot
// slow the hot path; a listener that throws is ignored.
import type { CloudEvent, SerializedError } from '@troupe/core';
import type { DeadLetterReason } from '../transport/contract.js';
import type { Settlement } from './committer.js';

/**
 * How a handling ended: a pipeline settlement, or for coordinators `ignored` (an event with no
 * state to act on) and `timeout` (a durable deadline fired; `event` is the one the state
 * remembered as its cause).
 */
export type OutcomeSettlement = Settlement | 'ignored' | 'timeout';

export interface HandlingOutcome {
  /** Agent, aggregator or saga name (= the consumer group). */
  readonly agent: string;
  readonly kind: 'agent' | 'aggregator' | 'saga';
  readonly nodeId: string;
  /** The input event. */
  readonly event: CloudEvent;
  readonly attempt: number;
  /** Handler run time in ms; 0 when no handler ran (guards, filter, coordinators). */
  readonly durationMs: number;
  readonly settlement: OutcomeSettlement;
  /** False when the handler's attempt failed. */
  readonly ok: boolean;
  readonly error?: SerializedError;
  readonly deadLetterReason?: DeadLetterReason;
  /** Coordinators: what the step did (`collected`, `emitted`, `late`, `step 2 started`, …). */
  readonly note?: string;
  /** Epoch ms of the settlement. */
  readonly at: number;
}

export type OutcomeListener = (outcome: HandlingOutcome) => void;

/** Call `listener` without letting its failure reach the pipeline. */
export function reportOutcome(
  listener: OutcomeListener | undefined,
  outcome: HandlingOutcome,
): void {
  if (!listener) return;
  try {
    listener(outcome);
  } catch {
    // A listener's bug must not fail a settlement that already happened.
  }
}
