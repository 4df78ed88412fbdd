// Settles a delivery with the consumer: success (emissions checked against `emits`, envelopes
// derived with deterministic ids, then commit-with-ack, counted against the correlation budget
// by the transport in the same step; over it, the `budget` dead letter), failure (retry after a
// delay or dead-letter), rejection by a guard (dead-letter at once) and filtered (commit with no
// emissions). The transport makes each settlement atomic. Every dead letter carries a
// `troupe.deadlettered` system event in the same atomic step (aggregators rule types out by it).
import {
  ErrorCode,
  TroupeError,
  deriveEvent,
  serializeError,
  type CloudEvent,
  type DeriveEventInput,
  type RetryPolicy,
  type SerializedError,
} from '@troupe/core';
import type {
  Consumer,
  DeadLetterInfo,
  DeadLetterReason,
  Delivery,
} from '../transport/contract.js';
import { overBudgetOf } from '../transport/over-budget.js';
import type { Emission } from '../workers/contract.js';
import { budgetRejection } from './budget.js';
import type { Rejection } from './rejection.js';
import { decideFailure } from './retry-decision.js';
import { deadLetteredEvent } from './system-events.js';

/** How a delivery ended on this attempt. */
export type Settlement = 'committed' | 'duplicate' | 'filtered' | 'retried' | 'dead-lettered';

export interface SettleResult {
  readonly settlement: Settlement;
  /** False when the handler's attempt counts as failed (breaker, counters). */
  readonly handlerOk: boolean;
  readonly error?: SerializedError;
  /** Why, when the settlement is `dead-lettered`. */
  readonly deadLetterReason?: DeadLetterReason;
}

export interface CommitterOptions {
  /** Joined with the agent's `correlationBudget`: its commits count and may be refused. */
  readonly consumer: Consumer;
  readonly agent: string;
  readonly nodeId: string;
  readonly emits: ReadonlySet<string>;
  readonly retry: RetryPolicy;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface Committer {
  succeed(delivery: Delivery, emissions: readonly Emission[]): Promise<SettleResult>;
  fail(delivery: Delivery, error: SerializedError): Promise<SettleResult>;
  reject(delivery: Delivery, rejection: Rejection, attempts: number): Promise<SettleResult>;
  skip(delivery: Delivery): Promise<SettleResult>;
}

/** The emitted types not declared in `emits`, in order of first appearance. */
export function undeclaredTypes(
  emissions: readonly Emission[],
  emits: ReadonlySet<string>,
): string[] {
  // Allocates only when something is undeclared (this runs on every successful handler run).
  let undeclared: Set<string> | undefined;
  for (const e of emissions) if (!emits.has(e.type)) (undeclared ??= new Set()).add(e.type);
  return undeclared === undefined ? [] : [...undeclared];
}

/** Envelopes of a handler's emissions: ids derived from (input id, agent, index). */
export function deriveEmissions(
  input: CloudEvent,
  agent: string,
  emissions: readonly Emission[],
  now?: () => number,
): CloudEvent[] {
  return emissions.map((e, index) => {
    const emission: DeriveEventInput<unknown> = { agent, index, type: e.type, data: e.data };
    if (e.subject !== undefined) emission.subject = e.subject;
    if (now) emission.now = now;
    return deriveEvent(input, emission);
  });
}

export function createCommitter(o: CommitterOptions): Committer {
  /** Dead-letter with `emissions` plus the `troupe.deadlettered` announcement, atomically. */
  const deadLetter = (
    delivery: Delivery,
    info: DeadLetterInfo,
    emissions: readonly CloudEvent[] = [],
  ): Promise<void> => {
    const announced = deadLetteredEvent(delivery, o.agent, info, o.emits, o.nodeId, o.now);
    return o.consumer.deadLetter(delivery, info, announced ? [...emissions, announced] : emissions);
  };
  const committer: Committer = {
    async succeed(delivery, emissions) {
      const undeclared = undeclaredTypes(emissions, o.emits);
      if (undeclared.length > 0) {
        const error = serializeError(
          new TroupeError(
            ErrorCode.UndeclaredEmission,
            `${o.agent} emitted ${undeclared.join(', ')}, not declared in its spec.emits [${[...o.emits].join(', ')}]`,
            { data: { type: undeclared[0], declared: [...o.emits] }, retryable: false },
          ),
        );
        await deadLetter(delivery, {
          reason: 'undeclared-emission',
          attempts: delivery.attempt,
          error,
        });
        return {
          settlement: 'dead-lettered',
          handlerOk: false,
          error,
          deadLetterReason: 'undeclared-emission',
        };
      }
      const events = deriveEmissions(delivery.event, o.agent, emissions, o.now);
      try {
        return { settlement: await o.consumer.commit(delivery, events), handlerOk: true };
      } catch (err) {
        const over = overBudgetOf(err);
        if (!over) throw err;
        const rejection = budgetRejection(
          { agent: o.agent, nodeId: o.nodeId, ...(o.now ? { now: o.now } : {}) },
          delivery.event,
          events.length,
          over,
        );
        return committer.reject(delivery, rejection, delivery.attempt);
      }
    },

    async fail(delivery, error) {
      const decision = decideFailure(o.retry, delivery.attempt, error, o.random);
      if (decision.action === 'retry') {
        await o.consumer.retry(delivery, decision.delayMs, error);
        return { settlement: 'retried', handlerOk: false, error };
      }
      await deadLetter(delivery, {
        reason: decision.reason,
        attempts: delivery.attempt,
        error,
      });
      return {
        settlement: 'dead-lettered',
        handlerOk: false,
        error,
        deadLetterReason: decision.reason,
      };
    },

    async reject(delivery, rejection, attempts) {
      await deadLetter(
        delivery,
        { reason: rejection.reason, attempts, error: rejection.error },
        rejection.emissions ?? [],
      );
      return {
        settlement: 'dead-lettered',
        handlerOk: true,
        error: rejection.error,
        deadLetterReason: rejection.reason,
      };
    },

    async skip(delivery) {
      await o.consumer.commit(delivery, []);
      return { settlement: 'filtered', handlerOk: true };
    },
  };
  return committer;
}
