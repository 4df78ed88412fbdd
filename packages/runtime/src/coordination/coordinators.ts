// The coordinators of one runtime node: reconciles the applied Aggregator and Saga manifests
// into running coordinator runners (new ones start, changed ones restart, removed ones stop,
// like agents), and answers "what state do the coordinators hold for this correlation" for
// traces. Options with their defaults live here too.
import { ErrorCode, TroupeError, buildGraph, type LoadedManifest, type Logger } from '@troupe/core';
import type { OutcomeListener } from '../pipeline/outcome-hook.js';
import type { Transport } from '../transport/contract.js';
import { aggregatorLogic, type Producers } from './aggregator.js';
import { producersFor } from './aggregator-ruling.js';
import { CoordinatorRunner, type CoordinatorLogic } from './coordinator-runner.js';
import { createMemoryCoordinationStore } from './memory-store.js';
import { sagaLogic } from './saga.js';
import type { CoordinationStore } from './store.js';

/** Node options of the coordinators (`createRuntime({ options: { coordination } })`). */
export interface CoordinationOptions {
  /** Where state and deadlines live. Default: an in-memory store (not durable). */
  store?: CoordinationStore;
  /** How often each node checks for due deadlines, in ms. Default 500. */
  tickMs?: number;
  /** How long a finished correlation's state is kept (late arrivals, traces), in ms. Default 24 h. */
  retentionMs?: number;
}

export const COORDINATION_DEFAULTS = {
  tickMs: 500,
  retentionMs: 24 * 60 * 60 * 1000,
} as const;

export interface CoordinatorsInput {
  readonly transport: Transport;
  readonly nodeId: string;
  readonly visibilityTimeoutMs: number;
  readonly fetchBlockMs: number;
  readonly log: Logger;
  readonly options?: CoordinationOptions;
  readonly onOutcome?: OutcomeListener;
  readonly now?: () => number;
}

/** What one coordinator holds for a correlation (a trace shows it). */
export interface CoordinationStateView {
  readonly kind: 'aggregator' | 'saga';
  readonly name: string;
  readonly version: number;
  /** The logic's state: `AggregatorState` or `SagaState`. */
  readonly state: unknown;
  /** Epoch ms of the pending deadline, if any. */
  readonly deadline?: number;
  /** Input event ids handled, in order. */
  readonly handled: string[];
}

export interface CoordinatorsPlan {
  readonly start: readonly string[];
  readonly restart: readonly string[];
  readonly stop: readonly string[];
  readonly unchanged: readonly string[];
}

type AnyRunner = CoordinatorRunner<unknown>;

function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `${field} must be an integer >= 1, got ${value}`,
      {
        retryable: false,
        data: { field },
      },
    );
  return value;
}

export class Coordinators {
  readonly store: CoordinationStore;
  readonly #in: CoordinatorsInput;
  readonly #tickMs: number;
  readonly #retentionMs: number;
  readonly #running = new Map<string, { runner: AnyRunner; fingerprint: string }>();
  #warned = false;

  constructor(input: CoordinatorsInput) {
    const o = input.options ?? {};
    this.#in = input;
    this.#tickMs = positiveInt(
      o.tickMs ?? COORDINATION_DEFAULTS.tickMs,
      'options.coordination.tickMs',
    );
    this.#retentionMs = positiveInt(
      o.retentionMs ?? COORDINATION_DEFAULTS.retentionMs,
      'options.coordination.retentionMs',
    );
    this.store = o.store ?? createMemoryCoordinationStore(input.now ? { now: input.now } : {});
  }

  /** Names of the running coordinators with their kind. */
  list(): { kind: 'aggregator' | 'saga'; name: string }[] {
    return [...this.#running.values()].map(({ runner }) => ({
      kind: runner.kind,
      name: runner.name,
    }));
  }

  /** Reconcile with the Aggregator and Saga documents of `manifests` (others are ignored). */
  async apply(manifests: readonly LoadedManifest[]): Promise<CoordinatorsPlan> {
    // Build every logic first: an invalid quorum changes nothing.
    const desired = new Map<string, { logic: CoordinatorLogic<unknown>; fingerprint: string }>();
    const allProducers = producersOf(manifests);
    for (const { manifest } of manifests) {
      if (manifest.kind !== 'Aggregator' && manifest.kind !== 'Saga') continue;
      const name = manifest.metadata.name;
      // An aggregator rules types out by their producers: a change of producers restarts it.
      const producers =
        manifest.kind === 'Aggregator'
          ? Object.fromEntries(manifest.spec.collect.map((t) => [t, producersFor(allProducers, t)]))
          : undefined;
      const logic = (
        manifest.kind === 'Aggregator'
          ? aggregatorLogic(manifest, { retentionMs: this.#retentionMs, producers })
          : sagaLogic(manifest, { retentionMs: this.#retentionMs })
      ) as CoordinatorLogic<unknown>;
      if (desired.has(name)) throw duplicate(name);
      desired.set(name, {
        logic,
        fingerprint: JSON.stringify({ kind: manifest.kind, spec: manifest.spec, producers }),
      });
    }
    if (
      desired.size &&
      this.#in.transport.features.durable &&
      !this.store.durable &&
      !this.#warned
    ) {
      this.#warned = true;
      this.#in.log.warn(
        'aggregators/sagas keep their state in memory while the transport is durable: a restart loses it (pass options.coordination.store = createRedisCoordinationStore())',
      );
    }
    const start: string[] = [];
    const restart: string[] = [];
    const unchanged: string[] = [];
    for (const [name, d] of desired) {
      const cur = this.#running.get(name);
      if (!cur) start.push(name);
      else if (cur.fingerprint !== d.fingerprint) restart.push(name);
      else unchanged.push(name);
    }
    const stop = [...this.#running.keys()].filter((n) => !desired.has(n));
    await Promise.all([...stop, ...restart].map((n) => this.#stop(n)));
    for (const name of [...restart, ...start]) {
      const d = desired.get(name)!;
      const runner = new CoordinatorRunner<unknown>({
        logic: d.logic,
        transport: this.#in.transport,
        store: this.store,
        nodeId: this.#in.nodeId,
        visibilityTimeoutMs: this.#in.visibilityTimeoutMs,
        fetchBlockMs: this.#in.fetchBlockMs,
        tickMs: this.#tickMs,
        log: this.#in.log,
        ...(this.#in.onOutcome ? { onOutcome: this.#in.onOutcome } : {}),
        ...(this.#in.now ? { now: this.#in.now } : {}),
      });
      await runner.start();
      this.#running.set(name, { runner, fingerprint: d.fingerprint });
    }
    return { start, restart, stop, unchanged };
  }

  async #stop(name: string): Promise<void> {
    const cur = this.#running.get(name);
    if (!cur) return;
    this.#running.delete(name);
    await cur.runner.stop();
  }

  /** Check every coordinator's due deadlines now (tests; the timers do it by themselves). */
  async tick(): Promise<void> {
    await Promise.all([...this.#running.values()].map(({ runner }) => runner.tick()));
  }

  /** The state every running coordinator holds for `correlationId`. */
  async inspect(correlationId: string): Promise<CoordinationStateView[]> {
    const views = await Promise.all(
      [...this.#running.values()].map(async ({ runner }) => {
        const stored = await runner.inspect(correlationId);
        if (!stored) return undefined;
        const r = stored.value;
        const view: CoordinationStateView = {
          kind: runner.kind,
          name: runner.name,
          version: stored.version,
          state: r.data,
          ...(r.deadline === undefined ? {} : { deadline: r.deadline }),
          handled: Object.keys(r.handled),
        };
        return view;
      }),
    );
    return views.filter((v): v is CoordinationStateView => v !== undefined);
  }

  /** Stop every coordinator (pending deliveries stay pending) and close the store. */
  async close(): Promise<void> {
    await Promise.all([...this.#running.keys()].map((n) => this.#stop(n)));
    await this.store.close();
  }
}

/**
 * Who produces each event type in `manifests`: the participant ids of core's choreography graph
 * (`agent/<name>`, `saga/<name>`, …), plus `external` for an entry type (published from outside).
 */
export function producersOf(manifests: readonly LoadedManifest[]): Producers {
  const graph = buildGraph(manifests);
  const out = new Map<string, string[]>();
  const add = (type: string, who: string): void => {
    const list = out.get(type) ?? [];
    if (!list.includes(who)) list.push(who);
    out.set(type, list);
  };
  for (const e of graph.edges) if (e.direction === 'emits') add(e.eventType, e.participant);
  for (const t of graph.eventTypes) if (t.entry) add(t.name, 'external');
  return Object.fromEntries(out);
}

function duplicate(name: string): TroupeError {
  return new TroupeError(
    ErrorCode.ManifestInvalid,
    `apply: two Aggregator/Saga documents share the name ${name}`,
    { retryable: false, data: { diagnostics: [] } },
  );
}
