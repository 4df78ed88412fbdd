// The coordinator runner: what Aggregators and Sagas share. A coordinator is a consumer group
// of its own on the transport (group = its name), consuming its types in the main thread like
// an agent. Per delivery it loads the correlation's state from the coordination store, applies
// the pure logic (aggregator.ts / saga.ts), writes the new state with compare-and-set, then
// commits the emissions with the ack. The state remembers the emissions of every input it
// handled, so a redelivery after a crash between the write and the commit re-commits exactly
// the same events (same ids, decided once) instead of deciding again. Deadlines are durable: a
// timer on every node claims due ones from the store (with a lease), decides, stores the
// emissions as an outbox, publishes them and marks them published.
import {
  ErrorCode,
  TroupeError,
  serializeError,
  type CloudEvent,
  type Logger,
  type SerializedError,
} from '@troupe/core';
import { reportOutcome, type OutcomeListener } from '../pipeline/outcome-hook.js';
import type { Consumer, Delivery, Transport } from '../transport/contract.js';
import type { CoordinationStore, StoredState } from './store.js';

/** What the logic decided for one event or deadline. */
export interface Decision<S> {
  readonly state: S;
  /** Events to emit (envelopes already derived, deterministic ids). */
  readonly emit: readonly CloudEvent[];
  /** The next durable deadline (epoch ms), or null for none. */
  readonly deadline: number | null;
  /** One phrase for the trace: `collected`, `emitted`, `late`, `step deploy started`, … */
  readonly note: string;
}

/** The pure part of a coordinator: no I/O, clock passed in. */
export interface CoordinatorLogic<S> {
  readonly kind: 'aggregator' | 'saga';
  readonly name: string;
  /** Event types consumed. */
  readonly types: readonly string[];
  /** Apply an event to the correlation's state (undefined: none yet). Undefined: ignore it. */
  onEvent(state: S | undefined, event: CloudEvent, nowMs: number): Decision<S> | undefined;
  /** The state's deadline passed. */
  onDeadline(state: S, nowMs: number): Decision<S>;
  /** How long to keep the state after this write (undefined: until further writes). */
  retentionMs(state: S): number | undefined;
}

/** The stored envelope around a logic's state. */
export interface CoordinatorRecord<S> {
  readonly data: S;
  /** Emissions committed per handled input event id, re-committed unchanged on redelivery. */
  readonly handled: Readonly<Record<string, readonly CloudEvent[]>>;
  /** Emissions decided by a deadline, published outside any delivery. */
  readonly outbox?: { readonly events: readonly CloudEvent[]; readonly published: boolean };
  readonly deadline?: number;
}

export interface CoordinatorRunnerOptions<S> {
  readonly logic: CoordinatorLogic<S>;
  readonly transport: Transport;
  readonly store: CoordinationStore;
  readonly nodeId: string;
  /** Lease of a fetched delivery (transport) and of a claimed deadline (store). */
  readonly visibilityTimeoutMs: number;
  /** Longest wait of one fetch. */
  readonly fetchBlockMs: number;
  /** How often this node checks for due deadlines. */
  readonly tickMs: number;
  readonly log: Logger;
  readonly onOutcome?: OutcomeListener;
  readonly now?: () => number;
}

/** Compare-and-set attempts before a delivery is retried later. */
const MAX_CAS_ROUNDS = 25;
const FETCH_BATCH = 32;
const RETRY_BASE_MS = 100;
const MAX_ATTEMPTS = 20;

export class CoordinatorRunner<S> {
  readonly #o: CoordinatorRunnerOptions<S>;
  readonly #scope: string;
  readonly #now: () => number;
  #consumer: Consumer | undefined;
  #loop: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #running = false;

  constructor(o: CoordinatorRunnerOptions<S>) {
    this.#o = o;
    this.#scope = `${o.logic.kind}/${o.logic.name}`;
    this.#now = o.now ?? Date.now;
  }

  get name(): string {
    return this.#o.logic.name;
  }

  get kind(): 'aggregator' | 'saga' {
    return this.#o.logic.kind;
  }

  /** The stored record of one correlation (for traces), if any. */
  async inspect(correlationId: string): Promise<StoredState<CoordinatorRecord<S>> | undefined> {
    return this.#o.store.get<CoordinatorRecord<S>>(this.#scope, correlationId);
  }

  async start(): Promise<void> {
    const { transport, logic, nodeId, visibilityTimeoutMs } = this.#o;
    this.#consumer = await transport.consume({
      group: logic.name,
      types: logic.types,
      consumer: nodeId,
      visibilityTimeoutMs,
    });
    this.#running = true;
    this.#loop = this.#run(this.#consumer);
    this.#timer = setInterval(() => void this.tick(), this.#o.tickMs);
    this.#timer.unref();
  }

  /** Stop fetching and ticking; what is pending stays pending (another node reclaims it). */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    clearInterval(this.#timer);
    await this.#loop;
    await this.#ticking;
    await this.#consumer?.close();
  }

  async #run(consumer: Consumer): Promise<void> {
    while (this.#running) {
      let deliveries: Delivery[];
      try {
        deliveries = await consumer.fetch(FETCH_BATCH, this.#o.fetchBlockMs);
      } catch (err) {
        this.#o.log.error(`${this.#scope}: fetch failed`, { error: serializeError(err) });
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      // In order: deliveries of one correlation then see each other's writes without conflicts.
      for (const d of deliveries) await this.#handle(consumer, d);
    }
  }

  async #handle(consumer: Consumer, d: Delivery): Promise<void> {
    try {
      await this.#apply(consumer, d);
    } catch (err) {
      const error = serializeError(err);
      this.#o.log.warn(`${this.#scope}: event ${d.event.id} attempt ${d.attempt} failed`, {
        error,
      });
      await this.#giveBack(consumer, d, error).catch((e: unknown) =>
        this.#o.log.error(`${this.#scope}: could not settle event ${d.event.id}`, {
          error: serializeError(e),
        }),
      );
    }
  }

  /** A failed step (store down, conflicts): retry later, dead-letter after MAX_ATTEMPTS. */
  async #giveBack(consumer: Consumer, d: Delivery, error: SerializedError): Promise<void> {
    if (d.attempt >= MAX_ATTEMPTS) {
      await consumer.deadLetter(d, { reason: 'retries-exhausted', attempts: d.attempt, error });
      this.#report(d.event, d.attempt, 'dead-lettered', 'gave up', error);
      return;
    }
    await consumer.retry(d, Math.min(RETRY_BASE_MS * 2 ** (d.attempt - 1), 5000), error);
    this.#report(d.event, d.attempt, 'retried', 'store step failed', error);
  }

  async #apply(consumer: Consumer, d: Delivery): Promise<void> {
    const { logic, store } = this.#o;
    const key = d.event.correlationid;
    for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
      const current = await store.get<CoordinatorRecord<S>>(this.#scope, key);
      const record = current?.value;
      const prior = record?.handled[d.event.id];
      if (prior) {
        // Decided before (a crash or a lost lease came between the write and the commit).
        await this.#syncDeadline(key, record);
        const result = await consumer.commit(d, prior);
        this.#report(d.event, d.attempt, result, 'redelivered: same decision');
        return;
      }
      const decision = logic.onEvent(record?.data, d.event, this.#now());
      if (!decision) {
        await consumer.commit(d, []);
        this.#report(d.event, d.attempt, 'ignored', `no ${logic.kind} state to act on`);
        return;
      }
      const next: CoordinatorRecord<S> = {
        data: decision.state,
        handled: { ...record?.handled, [d.event.id]: decision.emit },
        ...(record?.outbox ? { outbox: record.outbox } : {}),
        ...(decision.deadline === null ? {} : { deadline: decision.deadline }),
      };
      const version = await store.set(
        this.#scope,
        key,
        next,
        current?.version ?? 0,
        logic.retentionMs(decision.state),
      );
      if (version === undefined) continue; // another node wrote first: re-read, re-decide
      await this.#syncDeadline(key, next);
      const result = await consumer.commit(d, decision.emit);
      this.#report(d.event, d.attempt, result, decision.note);
      return;
    }
    throw new TroupeError(
      ErrorCode.Unknown,
      `${this.#scope}: ${MAX_CAS_ROUNDS} compare-and-set conflicts on correlation ${key}`,
      { data: { correlationId: key } },
    );
  }

  async #syncDeadline(key: string, record: CoordinatorRecord<S>): Promise<void> {
    const { store } = this.#o;
    if (record.outbox && !record.outbox.published)
      await store.schedule(this.#scope, key, this.#now());
    else if (record.deadline !== undefined) await store.schedule(this.#scope, key, record.deadline);
    else await store.unschedule(this.#scope, key);
  }

  /** Check for due deadlines once (the timer calls this; tests may too). */
  tick(): Promise<void> {
    if (this.#ticking) return this.#ticking;
    const run = (async () => {
      try {
        const keys = await this.#o.store.claimDue(
          this.#scope,
          this.#now(),
          this.#o.visibilityTimeoutMs,
          100,
        );
        for (const key of keys) {
          if (!this.#running) break;
          await this.#fire(key);
        }
      } catch (err) {
        this.#o.log.warn(`${this.#scope}: deadline check failed`, { error: serializeError(err) });
      }
    })();
    this.#ticking = run.finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  async #fire(key: string): Promise<void> {
    const { store, transport, logic } = this.#o;
    const published = new Set<string>();
    for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
      const current = await store.get<CoordinatorRecord<S>>(this.#scope, key);
      if (!current) {
        await store.unschedule(this.#scope, key);
        return;
      }
      const record = current.value;
      if (record.outbox && !record.outbox.published) {
        const fresh = record.outbox.events.filter((e) => !published.has(e.id));
        // Same ids on every attempt: a second publish after a lost race is dropped downstream.
        if (fresh.length) await transport.publish(fresh);
        for (const e of fresh) published.add(e.id);
        const next = { ...record, outbox: { ...record.outbox, published: true } };
        const v = await store.set(
          this.#scope,
          key,
          next,
          current.version,
          logic.retentionMs(record.data),
        );
        if (v === undefined) continue;
        await this.#syncDeadline(key, next);
        return;
      }
      const now = this.#now();
      if (record.deadline === undefined || record.deadline > now) {
        await this.#syncDeadline(key, record);
        return;
      }
      const decision = logic.onDeadline(record.data, now);
      const { deadline: _passed, ...rest } = record;
      const next: CoordinatorRecord<S> = {
        ...rest,
        data: decision.state,
        ...(decision.emit.length ? { outbox: { events: decision.emit, published: false } } : {}),
        ...(decision.deadline === null ? {} : { deadline: decision.deadline }),
      };
      const v = await store.set(
        this.#scope,
        key,
        next,
        current.version,
        logic.retentionMs(decision.state),
      );
      if (v === undefined) continue;
      // The outcome hangs under the event the deadline's emissions were derived from.
      const causeId = decision.emit[0]?.causationid;
      this.#report(deadlineEvent(key, causeId), 1, 'timeout', decision.note);
    }
  }

  #report(
    event: CloudEvent,
    attempt: number,
    settlement: 'committed' | 'duplicate' | 'ignored' | 'timeout' | 'retried' | 'dead-lettered',
    note: string,
    error?: SerializedError,
  ): void {
    reportOutcome(this.#o.onOutcome, {
      agent: this.#o.logic.name,
      kind: this.#o.logic.kind,
      nodeId: this.#o.nodeId,
      event,
      attempt,
      durationMs: 0,
      settlement,
      ok: error === undefined,
      ...(error ? { error } : {}),
      note,
      at: this.#now(),
    });
  }
}

/** A stand-in input for a fired deadline: the trace shows the deadline under `causeId`. */
function deadlineEvent(correlationId: string, causeId: string | undefined): CloudEvent {
  return {
    specversion: '1.0',
    id: causeId ?? `deadline:${correlationId}`,
    source: 'troupe://deadline',
    type: 'troupe.deadline',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: null,
    correlationid: correlationId,
    hops: 0,
    traceparent: `00-${'0'.repeat(31)}1-${'0'.repeat(15)}1-01`,
  };
}
