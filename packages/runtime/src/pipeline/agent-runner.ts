// The agent runner: one per Agent per node. A loop fetches only as many deliveries as there are
// free in-flight slots (per agent AND per node) and the breaker allows, runs each through the
// guards (filter, crash-loop, hop limit, size, schema), dispatches the survivors to the worker
// pool as one batch, and settles every delivery with the committer. The pieces live in their own
// modules; this file only wires them and keeps the counters.
import {
  ErrorCode,
  TroupeError,
  serializeError,
  type BreakerState,
  type Logger,
  type SerializedError,
  silentLogger,
} from '@troupe/core';
import type { Consumer, Delivery, Transport } from '../transport/contract.js';
import type { HandlerOutcome, WorkerPool } from '../workers/contract.js';
import { BreakerGate, type GateTicket } from './breaker-gate.js';
import { createCommitter, type Committer, type SettleResult } from './committer.js';
import { matchesSubscriptions } from './filter.js';
import { checkHops } from './hop-guard.js';
import type { NodeSlots } from './node-slots.js';
import { reportOutcome, type OutcomeListener } from './outcome-hook.js';
import type { ResolvedAgent, ResolvedPipelineOptions } from './options.js';
import { reject, type Rejection } from './rejection.js';
import type { SchemaRegistry } from './schema-guard.js';
import { checkSize } from './size-guard.js';
import { Wake } from './wake.js';

export type RunnerState = 'idle' | 'running' | 'stopping' | 'stopped';

/** Counters of one agent on one node since it started. */
export interface AgentCounters {
  /** Deliveries fetched. */
  consumed: number;
  /** Handler runs that succeeded and were committed. */
  succeeded: number;
  /** Handler runs that failed (thrown, timed out, crashed, undeclared emission). */
  failed: number;
  /** Failed runs scheduled for another attempt. */
  retried: number;
  /** Deliveries sent to the dead-letter stream (any reason). */
  deadLettered: number;
  /** Deliveries no `where` clause matched (committed without running). */
  filtered: number;
}

export interface AgentStatus extends AgentCounters {
  readonly name: string;
  readonly state: RunnerState;
  readonly inFlight: number;
  readonly breaker: BreakerState;
  /** Consecutive handler failures. */
  readonly failures: number;
}

export interface AgentRunnerOptions {
  readonly agent: ResolvedAgent;
  readonly transport: Transport;
  readonly pool: WorkerPool;
  readonly nodeId: string;
  readonly schemas: SchemaRegistry;
  readonly slots: NodeSlots;
  readonly options: ResolvedPipelineOptions;
  readonly log?: Logger;
  /** Injected clock (event timestamps). Default `Date.now`. */
  readonly now?: () => number;
  /** Injected randomness (retry jitter). Default `Math.random`. */
  readonly random?: () => number;
  /** Called after every settlement (the event archive listens). Default: none. */
  readonly onOutcome?: OutcomeListener;
}

/** Pause after a failed fetch, so a transport outage does not spin the loop. */
const FETCH_ERROR_PAUSE_MS = 500;

type Verdict =
  { kind: 'skip' } | { kind: 'reject'; rejection: Rejection; attempts: number } | { kind: 'run' };

// The verdicts without data, allocated once (one is returned for every delivery).
const RUN: Verdict = { kind: 'run' };
const SKIP: Verdict = { kind: 'skip' };

export class AgentRunner {
  readonly agent: ResolvedAgent;
  readonly #o: AgentRunnerOptions;
  readonly #log: Logger;
  readonly #gate: BreakerGate;
  readonly #wake = new Wake();
  readonly #inFlight = new Set<Delivery>();
  readonly #work = new Set<Promise<void>>();
  readonly #counters: AgentCounters = {
    consumed: 0,
    succeeded: 0,
    failed: 0,
    retried: 0,
    deadLettered: 0,
    filtered: 0,
  };
  #state: RunnerState = 'idle';
  #consumer: Consumer | undefined;
  #committer: Committer | undefined;
  #loop: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #unsubscribeSlots: (() => void) | undefined;
  /** Set when the shutdown deadline passed: late results are dropped, their entries stay pending. */
  #abandoned = false;

  constructor(o: AgentRunnerOptions) {
    this.agent = o.agent;
    this.#o = o;
    this.#log = o.log ?? silentLogger;
    this.#gate = new BreakerGate({
      agent: o.agent.name,
      nodeId: o.nodeId,
      policy: o.agent.breaker,
      ...(o.now ? { now: o.now } : {}),
      announce: (event) => {
        this.#log.warn(`agent ${o.agent.name}: ${event.type}`, {
          agent: o.agent.name,
          data: event.data,
        });
        o.transport.publish([event]).catch((err: unknown) => {
          this.#log.error(`agent ${o.agent.name}: could not publish ${event.type}`, {
            error: serializeError(err),
          });
        });
        // A state change may allow fetching again (half-open) or require stopping (open).
        this.#wake.notify();
      },
    });
  }

  status(): AgentStatus {
    return {
      name: this.agent.name,
      state: this.#state,
      inFlight: this.#inFlight.size,
      breaker: this.#gate.state,
      failures: this.#gate.failures,
      ...this.#counters,
    };
  }

  /** Join the agent's consumer groups and start the fetch loop. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`agent ${this.agent.name} runner already started`);
    this.#state = 'running';
    const { transport, nodeId, options, agent } = this.#o;
    const consumer = await transport.consume({
      group: agent.name,
      types: agent.types,
      consumer: nodeId,
      visibilityTimeoutMs: options.visibilityTimeoutMs,
      correlationBudget: options.correlationBudget,
    });
    this.#consumer = consumer;
    this.#committer = createCommitter({
      consumer,
      agent: agent.name,
      nodeId,
      emits: agent.emits,
      retry: agent.retry,
      ...(this.#o.now ? { now: this.#o.now } : {}),
      ...(this.#o.random ? { random: this.#o.random } : {}),
    });
    this.#unsubscribeSlots = this.#o.slots.onRelease(() => this.#wake.notify());
    const every = Math.max(1, Math.floor(options.visibilityTimeoutMs / 3));
    this.#heartbeat = setInterval(() => this.#beat(consumer), every);
    this.#heartbeat.unref();
    this.#loop = this.#run(consumer);
  }

  /**
   * Stop fetching, let in-flight deliveries finish until `deadlineMs` from now, then leave what
   * is still running pending (another consumer reclaims it) and close the consumer.
   */
  async stop(options: { deadlineMs?: number } = {}): Promise<void> {
    if (this.#state === 'idle') {
      this.#state = 'stopped';
      return;
    }
    if (this.#state !== 'running') return;
    const deadline = Date.now() + (options.deadlineMs ?? 10_000);
    this.#state = 'stopping';
    this.#wake.notify();
    await this.#loop;
    const remaining = Math.max(0, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled([...this.#work]).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), remaining))),
    ]);
    clearTimeout(timer);
    if (!drained) {
      this.#abandoned = true;
      this.#log.warn(
        `agent ${this.agent.name}: shutdown deadline passed, ${this.#inFlight.size} deliveries left pending`,
        {
          agent: this.agent.name,
        },
      );
    }
    clearInterval(this.#heartbeat);
    this.#unsubscribeSlots?.();
    await this.#consumer?.close();
    this.#state = 'stopped';
  }

  async #run(consumer: Consumer): Promise<void> {
    const { agent, slots, options } = this.#o;
    while (this.#state === 'running') {
      const free = agent.concurrency - this.#inFlight.size;
      const allowed = this.#gate.permits(free);
      if (allowed === 0) {
        // Open breaker: sleep until the half-open trial is due; otherwise until a slot frees.
        const ms =
          this.#gate.state === 'open' ? Math.max(1, this.#gate.msUntilHalfOpen()) : undefined;
        await this.#wake.wait(ms);
        continue;
      }
      const granted = slots.tryAcquire(allowed);
      if (granted === 0) {
        await this.#wake.wait();
        continue;
      }
      let deliveries: Delivery[];
      try {
        deliveries = await consumer.fetch(granted, options.fetchBlockMs);
      } catch (err) {
        slots.release(granted);
        this.#log.error(`agent ${agent.name}: fetch failed`, {
          agent: agent.name,
          error: serializeError(err),
        });
        await this.#wake.wait(FETCH_ERROR_PAUSE_MS);
        continue;
      }
      slots.release(granted - deliveries.length);
      if (deliveries.length === 0) continue;
      this.#counters.consumed += deliveries.length;
      for (const d of deliveries) this.#inFlight.add(d);
      const work = this.#handleBatch(deliveries);
      this.#work.add(work);
      void work.finally(() => this.#work.delete(work));
    }
  }

  /** Guards in order: where filter, crash-loop, hop limit, payload size, payload schema. */
  #verdict(d: Delivery): Verdict {
    const { agent, nodeId, options, schemas } = this.#o;
    const event = d.event;
    if (!matchesSubscriptions(event, agent.subscribe)) return SKIP;
    if (d.attempt > agent.retry.attempts)
      return {
        kind: 'reject',
        attempts: d.attempt - 1,
        rejection: reject(
          'retries-exhausted',
          ErrorCode.WorkerCrashed,
          `event ${event.id} was delivered ${d.attempt} times without a result (over ${agent.retry.attempts} attempts); not running it again`,
          { reason: 'crash-loop', attempt: d.attempt },
        ),
      };
    const rejection =
      checkHops(event, agent.name, agent.maxHops, nodeId, this.#o.now) ??
      checkSize(event, options.maxPayloadBytes) ??
      schemas.check(event);
    if (rejection) return { kind: 'reject', rejection, attempts: 0 };
    return RUN;
  }

  async #handleBatch(deliveries: readonly Delivery[]): Promise<void> {
    const committer = this.#committer!;
    const toRun: { d: Delivery; ticket: GateTicket }[] = [];
    const settling: Promise<void>[] = [];
    for (const d of deliveries) {
      const v = this.#verdict(d);
      if (v.kind === 'run') toRun.push({ d, ticket: this.#gate.admit() });
      else if (v.kind === 'skip') settling.push(this.#settle(d, () => committer.skip(d)));
      else settling.push(this.#settle(d, () => committer.reject(d, v.rejection, v.attempts)));
    }
    if (toRun.length > 0) settling.push(this.#dispatch(toRun));
    await Promise.all(settling);
  }

  async #dispatch(batch: readonly { d: Delivery; ticket: GateTicket }[]): Promise<void> {
    const { agent, pool } = this.#o;
    let outcomes: HandlerOutcome[];
    try {
      outcomes = await pool.run(
        batch.map(({ d }) => ({
          handlerPath: agent.handlerPath,
          agent: agent.name,
          event: d.event,
          attempt: d.attempt,
          timeoutMs: agent.timeoutMs,
          config: agent.config,
        })),
      );
    } catch (err) {
      const error = serializeError(
        new TroupeError(ErrorCode.WorkerCrashed, `worker pool failed: ${String(err)}`, {
          cause: err,
          data: { reason: 'pool' },
        }),
      );
      outcomes = batch.map(() => ({ ok: false, error, logs: [], durationMs: 0 }));
    }
    const committer = this.#committer!;
    await Promise.all(
      batch.map(async ({ d, ticket }, i) => {
        const outcome: HandlerOutcome = outcomes[i] ?? {
          ok: false,
          error: serializeError(
            new TroupeError(ErrorCode.WorkerCrashed, 'worker pool returned no outcome', {
              data: { reason: 'missing-outcome' },
            }),
          ),
          logs: [],
          durationMs: 0,
        };
        for (const rec of outcome.logs)
          this.#log[rec.level](`${agent.name}: ${rec.message}`, {
            ...rec.fields,
            agent: agent.name,
            eventId: d.event.id,
          });
        await this.#settle(
          d,
          () =>
            outcome.ok ? committer.succeed(d, outcome.emissions) : committer.fail(d, outcome.error),
          ticket,
          outcome.durationMs,
        );
      }),
    );
  }

  /** Run one settlement, count it, report it to the breaker, free the slot. */
  async #settle(
    d: Delivery,
    settle: () => Promise<SettleResult>,
    ticket?: GateTicket,
    durationMs = 0,
  ): Promise<void> {
    try {
      if (this.#abandoned) return;
      const result = await settle();
      if (ticket) this.#gate.report(ticket, result.handlerOk);
      this.#count(result, ticket !== undefined);
      if (this.#o.onOutcome)
        reportOutcome(this.#o.onOutcome, {
          agent: this.agent.name,
          kind: 'agent',
          nodeId: this.#o.nodeId,
          event: d.event,
          attempt: d.attempt,
          durationMs,
          settlement: result.settlement,
          ok: result.handlerOk,
          ...(result.error ? { error: result.error } : {}),
          ...(result.deadLetterReason ? { deadLetterReason: result.deadLetterReason } : {}),
          at: (this.#o.now ?? Date.now)(),
        });
      if (result.settlement === 'dead-lettered' || (!result.handlerOk && result.error))
        this.#logFailure(d, result.settlement, result.error);
    } catch (err) {
      // The transport refused the settlement: the entry stays pending and is redelivered.
      this.#log.error(`agent ${this.agent.name}: could not settle event ${d.event.id}`, {
        agent: this.agent.name,
        eventId: d.event.id,
        error: serializeError(err),
      });
    } finally {
      this.#inFlight.delete(d);
      this.#o.slots.release(1);
      this.#wake.notify();
    }
  }

  #count(result: SettleResult, ran: boolean): void {
    const c = this.#counters;
    if (ran && !result.handlerOk) c.failed++;
    switch (result.settlement) {
      case 'committed':
      case 'duplicate':
        c.succeeded++;
        break;
      case 'filtered':
        c.filtered++;
        break;
      case 'retried':
        c.retried++;
        break;
      case 'dead-lettered':
        c.deadLettered++;
        break;
    }
  }

  #logFailure(d: Delivery, settlement: string, error: SerializedError | undefined): void {
    this.#log.warn(
      `agent ${this.agent.name}: event ${d.event.id} (${d.event.type}) attempt ${d.attempt} ${settlement}: ${error?.message ?? ''}`,
      {
        agent: this.agent.name,
        eventId: d.event.id,
        attempt: d.attempt,
        code: error?.code,
      },
    );
  }

  #beat(consumer: Consumer): void {
    if (this.#inFlight.size === 0 || this.#abandoned) return;
    consumer.heartbeat([...this.#inFlight]).catch((err: unknown) => {
      this.#log.warn(`agent ${this.agent.name}: heartbeat failed`, {
        agent: this.agent.name,
        error: serializeError(err),
      });
    });
  }
}
