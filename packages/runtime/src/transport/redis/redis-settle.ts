// Settling a delivery on Redis: the COMMIT, RETRY and DEAD_LETTER scripts (scripts.ts) with
// their keys and arguments, each atomic, each keyed by the input's done marker. A refused
// commit (over the correlation budget) becomes the contract's BUDGET_EXCEEDED error; any other
// failure is TRANSPORT_UNAVAILABLE and leaves the entry pending.
import { ErrorCode, TroupeError, type CloudEvent } from '@troupe/core';
import type { CommitResult, DeadLetterInfo, Delivery } from '../contract.js';
import type { ResolvedConsumerOptions } from '../consumer-options.js';
import { overBudgetError } from '../over-budget.js';
import { runScript, type RedisConnection } from './connection.js';
import type { KeyLayout } from './keys.js';
import type { ResolvedRedisOptions } from './redis-options.js';
import { errorMessage } from './replies.js';
import { SCRIPTS } from './scripts.js';

export class Settler {
  private readonly group: string;
  /** Script arguments fixed per consumer: dedupe window, budget ('' = none), budget window. */
  private readonly windowMs: string;
  private readonly budget: string;
  private readonly budgetWindowMs: string;
  private readonly onAppended: (type: string) => void;

  constructor(
    private readonly cmd: RedisConnection,
    private readonly layout: KeyLayout,
    private readonly o: ResolvedConsumerOptions,
    settings: ResolvedRedisOptions,
  ) {
    this.group = o.group;
    this.windowMs = String(Math.max(1, Math.ceil(settings.dedupeWindowMs)));
    this.budget = o.correlationBudget === undefined ? '' : String(o.correlationBudget);
    this.budgetWindowMs = String(Math.max(1, Math.ceil(settings.budgetWindowMs)));
    this.onAppended = settings.onAppended;
  }

  /** Run `fn`; a failure becomes TRANSPORT_UNAVAILABLE naming the operation and the group. */
  async guard<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new TroupeError(
        ErrorCode.TransportUnavailable,
        `redis transport: ${op} failed: ${errorMessage(err)}`,
        { cause: err, data: { op, group: this.group } },
      );
    }
  }

  private doneKey(delivery: Delivery): string {
    return this.layout.done(this.group, delivery.event.id);
  }

  /** (stream key, event id, event JSON) per emission: what the scripts append. */
  private emissionArgs(emissions: readonly CloudEvent[]): string[] {
    const out: string[] = [];
    for (const e of emissions) {
      this.onAppended(e.type); // the janitor trims what it appends (decision 0010)
      out.push(this.layout.stream(e.type), e.id, JSON.stringify(e));
    }
    return out;
  }

  async commit(
    sourceKey: string,
    delivery: Delivery,
    emissions: readonly CloudEvent[],
  ): Promise<CommitResult> {
    const [status, total] = await this.guard(
      'commit',
      async () =>
        (await runScript(
          this.cmd,
          SCRIPTS.commit,
          [sourceKey, this.doneKey(delivery), this.layout.corr(delivery.event.correlationid)],
          [
            this.group,
            delivery.entryId,
            this.windowMs,
            this.budget,
            this.budgetWindowMs,
            ...this.emissionArgs(emissions),
          ],
        )) as [number, number],
    );
    if (status === 2)
      throw overBudgetError({
        correlationId: delivery.event.correlationid,
        budget: this.o.correlationBudget ?? 0,
        total: Number(total),
      });
    return status === 1 ? 'committed' : 'duplicate';
  }

  retry(sourceKey: string, delivery: Delivery, delayMs: number): Promise<void> {
    return this.guard('retry', async () => {
      await runScript(
        this.cmd,
        SCRIPTS.retry,
        [sourceKey, this.layout.retryZ(this.group), this.doneKey(delivery)],
        [
          this.group,
          delivery.entryId,
          String(Math.max(0, Math.round(delayMs))),
          String(delivery.attempt + 1),
          JSON.stringify(delivery.event),
        ],
      );
    });
  }

  deadLetter(
    sourceKey: string,
    delivery: Delivery,
    info: DeadLetterInfo,
    emissions: readonly CloudEvent[],
  ): Promise<void> {
    return this.guard('deadLetter', async () => {
      await runScript(
        this.cmd,
        SCRIPTS.deadLetter,
        [sourceKey, this.layout.dlq(this.group), this.doneKey(delivery)],
        [
          this.group,
          delivery.entryId,
          this.windowMs,
          info.reason,
          this.group,
          delivery.event.type,
          String(info.attempts),
          info.error ? JSON.stringify(info.error) : '',
          JSON.stringify(delivery.event),
          new Date().toISOString(),
          ...this.emissionArgs(emissions),
        ],
      );
    });
  }
}
