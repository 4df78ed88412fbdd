// The runtime node (DESIGN.md §1): one process's control plane. `apply` reconciles the running
// agent runners with the desired manifests; `publish` lets events in from outside (entry types
// only, schema-checked); `waitFor` awaits an outcome; `close` shuts down gracefully. Many nodes
// on one Redis share the work: same consumer groups, one consumer per node id.
import { hostname } from 'node:os';
import {
  ErrorCode,
  TroupeError,
  createEvent,
  type AgentManifest,
  type CloudEvent,
  type EventTypeManifest,
  type LoadedManifest,
  type Logger,
  silentLogger,
} from '@troupe/core';
import type { EventArchive } from '../archive/event-archive.js';
import type { ReplayOptions, ReplayResult } from '../archive/replay.js';
import {
  archiveListener,
  replayToAgent,
  traceFromArchive,
  withArchive,
} from '../archive/runtime-hooks.js';
import type { Trace } from '../archive/trace.js';
import { Coordinators, type CoordinationOptions } from '../coordination/coordinators.js';
import { AgentRunner, type AgentStatus } from '../pipeline/agent-runner.js';
import { NodeSlots } from '../pipeline/node-slots.js';
import {
  resolveAgent,
  resolvePipelineOptions,
  type PipelineOptions,
  type ResolvedAgent,
} from '../pipeline/options.js';
import { SchemaRegistry } from '../pipeline/schema-guard.js';
import { startSystemEventSink, type SystemEventSink } from '../pipeline/system-event-sink.js';
import type { Transport } from '../transport/contract.js';
import {
  CapabilityRegistry,
  privateSqliteWorkspace,
  withCapabilities,
} from '../workers/capability-grants.js';
import type { WorkerPool, WorkspaceTarget } from '../workers/contract.js';
import { createWorkerPool, type WorkerPoolOptions } from '../workers/index.js';
import { agentFingerprint, planReconcile, type ReconcilePlan } from './reconcile.js';
import { waitForEvent, type PendingWait } from './wait-for.js';

export interface RuntimeOptions extends PipelineOptions {
  /** Where progress and handler logs go. Default: nowhere. */
  log?: Logger;
  /** How long a stopped or restarted agent may drain on `apply`. Default 10,000 ms. */
  drainMs?: number;
  /** Options of the worker pool created when none is passed. */
  pool?: WorkerPoolOptions;
  /** Injected clock. Default `Date.now`. */
  now?: () => number;
  /** Injected randomness (retry jitter). Default `Math.random`. */
  random?: () => number;
  /**
   * Where handlers' `ctx.workspace` lives; every worker thread opens its own store connection.
   * Default: an SQLite file in a temporary directory private to this node, removed on `close()`
   * (nodes that share work on Redis should pass `{ kind: 'redis', url }`). `false`: none.
   */
  workspace?: WorkspaceTarget | false;
  /**
   * Event archive (`createEventArchive()`): every event and handling outcome, for `trace` and
   * `replay`. Closed by `close()`. Default: off (`trace` and `replay` then refuse).
   */
  archive?: EventArchive;
  /** Aggregators and Sagas: state store (default in-memory), deadline tick, retention. */
  coordination?: CoordinationOptions;
}

export interface CreateRuntimeInput {
  readonly transport: Transport;
  /** Consumer name of this node in every group. Default `<hostname>-<pid>`. */
  readonly nodeId?: string;
  /** Worker pool; created from `options.pool` when absent. Closed by `close()` either way. */
  readonly pool?: WorkerPool;
  readonly options?: RuntimeOptions;
}

export interface PublishOptions {
  /** Join an existing correlation; a new one (the event's own id) by default. */
  correlationId?: string;
  /** CloudEvents `source`. Default `troupe://external`. */
  source?: string;
  subject?: string;
}

/** What `apply` changed. */
export type ApplyResult = ReconcilePlan;

export interface Runtime {
  readonly nodeId: string;
  readonly transport: Transport;
  /** Reconcile the running agents with these manifests (other kinds are read for EventTypes). */
  apply(manifests: readonly LoadedManifest[]): Promise<ApplyResult>;
  /** Publish an event from outside: only entry types (when declared), schema-checked. */
  publish(type: string, data: unknown, options?: PublishOptions): Promise<CloudEvent>;
  /** Arm a wait for the first event of `types` in `correlationId`; publish after it resolves. */
  waitFor(correlationId: string, types: readonly string[], timeoutMs: number): Promise<PendingWait>;
  /** Publish and await the outcome, without the race. Rejects with code TIMEOUT. */
  request(
    type: string,
    data: unknown,
    options: PublishOptions & { wait: readonly string[]; timeoutMs: number },
  ): Promise<{ request: CloudEvent; result: CloudEvent }>;
  /** Status and counters of every running agent, by name. */
  agents(): AgentStatus[];
  /** The manifests (every kind) of the last successful `apply`, in order; empty before it. */
  manifests(): readonly LoadedManifest[];
  /**
   * Call `listener` after every successful `apply` (MCP tool lists, caches). Returns the
   * unsubscribe function. A listener that throws is ignored.
   */
  onApplied(
    listener: (manifests: readonly LoadedManifest[], plan: ApplyResult) => void,
  ): () => void;
  /** The causal tree of one correlation (needs `options.archive`). */
  trace(correlationId: string): Promise<Trace>;
  /** Re-deliver archived events to one agent's group only (needs `options.archive`). */
  replay(options: ReplayOptions): Promise<ReplayResult>;
  /** Aggregators and Sagas running on this node. */
  readonly coordinators: Coordinators;
  /** Stop fetching, drain in-flight work up to `deadlineMs`, close the pool and the transport. */
  close(options?: { deadlineMs?: number }): Promise<void>;
}

/** Default node id: unique per process on a host. */
export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}`;
}

export function createRuntime(input: CreateRuntimeInput): Runtime {
  const options = input.options ?? {};
  const pipeline = resolvePipelineOptions(options);
  const log = options.log ?? silentLogger;
  const nodeId = input.nodeId ?? defaultNodeId();
  const archive = options.archive;
  // With the archive on, everything published or committed through the transport is recorded.
  const transport = withArchive(input.transport, archive, nodeId);
  const onOutcome = archiveListener(archive);
  const coordinators = new Coordinators({
    transport,
    nodeId,
    visibilityTimeoutMs: pipeline.visibilityTimeoutMs,
    fetchBlockMs: pipeline.fetchBlockMs,
    log,
    ...(options.coordination ? { options: options.coordination } : {}),
    ...(onOutcome ? { onOutcome } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const privateWorkspace = options.workspace === undefined ? privateSqliteWorkspace() : undefined;
  const capabilities = new CapabilityRegistry(
    options.workspace === false ? undefined : (options.workspace ?? privateWorkspace?.target),
  );
  // Each task gets its agent's connections and workspace target (workers/capability-grants.ts).
  const pool = withCapabilities(input.pool ?? createWorkerPool(options.pool), capabilities);
  const schemas = new SchemaRegistry();
  const slots = new NodeSlots(pipeline.maxInFlight);
  const runners = new Map<string, { runner: AgentRunner; fingerprint: string }>();
  const drainMs = options.drainMs ?? 10_000;
  let applying: Promise<unknown> = Promise.resolve();
  let closed = false;
  let applied: readonly LoadedManifest[] = [];
  // Durable transports only: keeps unconsumed system-event streams trimmable (decision 0008).
  let sink: Promise<SystemEventSink> | undefined;
  const appliedListeners = new Set<
    (manifests: readonly LoadedManifest[], plan: ApplyResult) => void
  >();

  function assertOpen(): void {
    if (closed)
      throw new TroupeError(ErrorCode.InvalidOption, 'runtime is closed', {
        retryable: false,
        data: { field: 'runtime' },
      });
  }

  async function startRunner(agent: ResolvedAgent, fingerprint: string): Promise<void> {
    const runner = new AgentRunner({
      agent,
      transport,
      pool,
      nodeId,
      schemas,
      slots,
      options: pipeline,
      log,
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(onOutcome ? { onOutcome } : {}),
    });
    // Registered before it starts, so agents() lists agents in manifest order.
    runners.set(agent.name, { runner, fingerprint });
    try {
      await runner.start();
    } catch (err) {
      runners.delete(agent.name);
      throw err;
    }
  }

  async function stopRunner(name: string, deadlineMs: number): Promise<void> {
    const entry = runners.get(name);
    if (!entry) return;
    runners.delete(name);
    await entry.runner.stop({ deadlineMs });
  }

  async function reconcile(manifests: readonly LoadedManifest[]): Promise<ApplyResult> {
    assertOpen();
    // Resolve everything before touching anything: a bad manifest changes nothing.
    const agents = manifests
      .filter((m): m is LoadedManifest<AgentManifest> => m.manifest.kind === 'Agent')
      .map((m) => resolveAgent(m));
    const desired = new Map(agents.map((a) => [a.name, agentFingerprint(a)]));
    if (desired.size !== agents.length)
      throw new TroupeError(ErrorCode.ManifestInvalid, 'apply: two Agent documents share a name', {
        retryable: false,
        data: { diagnostics: [] },
      });
    schemas.update(
      manifests.filter(
        (m): m is LoadedManifest<EventTypeManifest> => m.manifest.kind === 'EventType',
      ),
    );
    capabilities.update(manifests);
    if (transport.features.durable)
      sink ??= startSystemEventSink({
        transport,
        nodeId,
        visibilityTimeoutMs: pipeline.visibilityTimeoutMs,
        fetchBlockMs: pipeline.fetchBlockMs,
        log,
      }).catch((err: unknown) => {
        sink = undefined; // the next apply tries again
        throw err;
      });
    await sink;
    // Aggregators and Sagas: validated as a whole before any of them changes.
    await coordinators.apply(manifests);
    const running = new Map([...runners].map(([name, e]) => [name, e.fingerprint]));
    const plan = planReconcile(running, desired);
    const byName = new Map(agents.map((a) => [a.name, a]));
    await Promise.all([...plan.stop, ...plan.restart].map((name) => stopRunner(name, drainMs)));
    await Promise.all(
      [...plan.restart, ...plan.start].map((name) =>
        startRunner(byName.get(name)!, desired.get(name)!),
      ),
    );
    applied = [...manifests];
    for (const listener of appliedListeners) {
      try {
        listener(applied, plan);
      } catch {
        // A listener's failure must not turn a successful apply into a failed one.
      }
    }
    log.info(
      `applied: ${plan.start.length} started, ${plan.restart.length} restarted, ${plan.stop.length} stopped, ${plan.unchanged.length} unchanged`,
      { ...plan },
    );
    return plan;
  }

  const runtime: Runtime = {
    nodeId,
    transport,

    apply(manifests) {
      const next = applying.then(() => reconcile(manifests));
      applying = next.catch(() => {});
      return next;
    },

    async publish(type, data, publishOptions = {}) {
      assertOpen();
      if (!schemas.isPublishable(type))
        throw new TroupeError(
          ErrorCode.InvalidOption,
          `event type ${type} is not an entry type: its EventType must set spec.entry: true to be published from outside`,
          { retryable: false, data: { field: 'type', type } },
        );
      const problems = schemas.problems(type, data);
      if (problems.length > 0)
        throw new TroupeError(
          ErrorCode.SchemaInvalid,
          `${type} payload is invalid: ${problems.join('; ')}`,
          {
            retryable: false,
            data: { type, errors: problems },
          },
        );
      const event = createEvent({
        type,
        data,
        source: publishOptions.source ?? 'troupe://external',
        ...(publishOptions.correlationId === undefined
          ? {}
          : { correlationId: publishOptions.correlationId }),
        ...(publishOptions.subject === undefined ? {} : { subject: publishOptions.subject }),
        ...(options.now ? { now: options.now } : {}),
      });
      // The entry event counts against its correlation's budget, atomically with its append.
      await transport.publish([event], { countCorrelation: true });
      return event;
    },

    waitFor(correlationId, types, timeoutMs) {
      return waitForEvent(transport, correlationId, types, timeoutMs);
    },

    async request(type, data, o) {
      // The correlation id is fixed up front so the wait is armed before the event exists.
      const correlationId = o.correlationId ?? createEvent({ type, data: null }).id;
      const wait = await waitForEvent(transport, correlationId, o.wait, o.timeoutMs);
      let request: CloudEvent;
      try {
        request = await runtime.publish(type, data, { ...o, correlationId });
      } catch (err) {
        await wait.cancel();
        throw err;
      }
      return { request, result: await wait.event };
    },

    agents() {
      return [...runners.values()].map((e) => e.runner.status());
    },

    manifests() {
      return applied;
    },

    coordinators,

    trace(correlationId) {
      return traceFromArchive(archive, coordinators, correlationId);
    },

    replay(replayOptions) {
      const types = runners.get(replayOptions.agent)?.runner.agent.types;
      return replayToAgent(archive, transport, types, replayOptions);
    },

    onApplied(listener) {
      appliedListeners.add(listener);
      return () => void appliedListeners.delete(listener);
    },

    async close(closeOptions = {}) {
      if (closed) return;
      closed = true;
      const deadline = Date.now() + (closeOptions.deadlineMs ?? 10_000);
      await applying;
      await Promise.all(
        [...runners.keys()].map((name) => stopRunner(name, Math.max(0, deadline - Date.now()))),
      );
      await coordinators.close();
      await (await sink?.catch(() => undefined))?.stop();
      await pool.close(Math.max(0, deadline - Date.now()));
      await transport.close();
      await archive?.close();
      privateWorkspace?.dispose();
    },
  };
  return runtime;
}
