// Prometheus metrics of one node (`GET /metrics`), in their own prom-client Registry so two
// nodes in one process (tests) never share series. Per agent: counters from the runners
// (consumed, succeeded, failed, retried, dead-lettered, filtered), emissions and handler
// durations from the worker pool (`instrumentPool` wraps any pool and reports each outcome),
// in-flight and breaker state, and lag / pending / dead letters read from the transport at
// scrape time. Labels are agent names and outcome only: never a correlation or event id, so the
// series count stays bounded by the number of agents.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AgentStatus } from '../pipeline/agent-runner.js';
import type { GroupStats, Transport } from '../transport/contract.js';
import type { HandlerOutcome, HandlerTask, WorkerPool } from '../workers/contract.js';

/** Receives every handler outcome of an instrumented pool. */
export interface OutcomeSink {
  record(task: HandlerTask, outcome: HandlerOutcome): void;
}

/** A pool that reports each outcome to `sink`, otherwise the same as `pool`. */
export function instrumentPool(pool: WorkerPool, sink: OutcomeSink): WorkerPool {
  return {
    async run(tasks) {
      const outcomes = await pool.run(tasks);
      outcomes.forEach((o, i) => {
        const task = tasks[i];
        if (task) sink.record(task, o);
      });
      return outcomes;
    },
    stats: () => pool.stats(),
    close: (deadlineMs) => pool.close(deadlineMs),
  };
}

/** What the metrics read at scrape time. */
export interface MetricsSource {
  agents(): readonly AgentStatus[];
  readonly transport: Pick<Transport, 'stats'>;
  /** The event types an agent consumes (for lag). */
  typesOf(agent: string): readonly string[];
}

export interface AdminMetricsOptions {
  /** Prefix of every metric name. Default `troupe_`. */
  readonly prefix?: string;
  /** Handler duration buckets, in seconds. Default 1 ms … 30 s. */
  readonly durationBuckets?: readonly number[];
  /** Also export Node process metrics (CPU, memory, event loop lag). Default true. */
  readonly processMetrics?: boolean;
}

/** Default `durationBuckets`. */
export const DEFAULT_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
] as const;

/** Value of `<prefix>agent_breaker_state`. */
export const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

type CounterField = 'consumed' | 'succeeded' | 'failed' | 'retried' | 'deadLettered' | 'filtered';

const COUNTERS: readonly [CounterField, string, string][] = [
  ['consumed', 'agent_consumed_total', 'Deliveries fetched by the agent on this node.'],
  ['succeeded', 'agent_succeeded_total', 'Handler runs that succeeded and were committed.'],
  ['failed', 'agent_failed_total', 'Handler runs that failed (threw, timed out, crashed).'],
  ['retried', 'agent_retried_total', 'Failed runs scheduled for another attempt.'],
  ['deadLettered', 'agent_dead_lettered_total', 'Deliveries sent to the dead-letter stream.'],
  ['filtered', 'agent_filtered_total', 'Deliveries no `where` clause matched.'],
];

/** Per-agent statistics are read from the transport at most this often (one scrape). */
const STATS_TTL_MS = 500;

export class AdminMetrics implements OutcomeSink {
  readonly registry = new Registry();
  readonly #emitted: Counter<'agent'>;
  readonly #duration: Histogram<'agent' | 'outcome'>;
  #source: MetricsSource | undefined;
  #stats: { at: number; value: Promise<Map<string, GroupStats>> } | undefined;

  constructor(options: AdminMetricsOptions = {}) {
    const p = options.prefix ?? 'troupe_';
    const registers = [this.registry];
    if (options.processMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: p });
    this.#emitted = new Counter({
      name: `${p}agent_emitted_total`,
      help: 'Events emitted by successful handler runs of the agent on this node.',
      labelNames: ['agent'],
      registers,
    });
    this.#duration = new Histogram({
      name: `${p}handler_duration_seconds`,
      help: 'Handler run time (in the worker), by agent and outcome (ok | error).',
      labelNames: ['agent', 'outcome'],
      buckets: [...(options.durationBuckets ?? DEFAULT_DURATION_BUCKETS)],
      registers,
    });
    const agents = (): readonly AgentStatus[] => this.#source?.agents() ?? [];
    for (const [field, name, help] of COUNTERS)
      new Counter({
        name: `${p}${name}`,
        help,
        labelNames: ['agent'],
        registers,
        collect() {
          // Snapshots of the runners' own counters; a restarted agent starts again at 0,
          // which Prometheus reads as a counter reset.
          this.reset();
          for (const a of agents()) this.inc({ agent: a.name }, a[field]);
        },
      });
    new Gauge({
      name: `${p}agent_in_flight`,
      help: 'Deliveries the agent is handling on this node right now.',
      labelNames: ['agent'],
      registers,
      collect() {
        this.reset();
        for (const a of agents()) this.set({ agent: a.name }, a.inFlight);
      },
    });
    new Gauge({
      name: `${p}agent_breaker_state`,
      help: 'Circuit breaker of the agent on this node: 0 closed, 1 half-open, 2 open.',
      labelNames: ['agent'],
      registers,
      collect() {
        this.reset();
        for (const a of agents()) this.set({ agent: a.name }, BREAKER_STATE_VALUE[a.breaker]);
      },
    });
    const stats = (): Promise<Map<string, GroupStats>> => this.#groupStats();
    const fromStats = (field: keyof GroupStats, name: string, help: string): void => {
      new Gauge({
        name: `${p}${name}`,
        help,
        labelNames: ['agent'],
        registers,
        async collect() {
          const all = await stats();
          this.reset();
          for (const [agent, s] of all) this.set({ agent }, s[field]);
        },
      });
    };
    fromStats(
      'lag',
      'agent_lag',
      'Events appended to the agent’s streams and not yet delivered to its group.',
    );
    fromStats(
      'pending',
      'agent_pending',
      'Entries fetched by the agent’s group (any node) and not settled.',
    );
    fromStats('deadLetters', 'agent_dead_letters', 'Entries in the agent’s dead-letter stream.');
  }

  /** Read agents and transport statistics from `source` (the node) at scrape time. */
  bind(source: MetricsSource): void {
    this.#source = source;
  }

  record(task: HandlerTask, outcome: HandlerOutcome): void {
    if (outcome.ok && outcome.emissions.length > 0)
      this.#emitted.inc({ agent: task.agent }, outcome.emissions.length);
    this.#duration.observe(
      { agent: task.agent, outcome: outcome.ok ? 'ok' : 'error' },
      outcome.durationMs / 1000,
    );
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #groupStats(): Promise<Map<string, GroupStats>> {
    const now = Date.now();
    if (this.#stats && now - this.#stats.at < STATS_TTL_MS) return this.#stats.value;
    const source = this.#source;
    const value = (async () => {
      const out = new Map<string, GroupStats>();
      if (!source) return out;
      await Promise.all(
        source.agents().map(async (a) => {
          try {
            out.set(a.name, await source.transport.stats(a.name, source.typesOf(a.name)));
          } catch {
            // An unreachable transport leaves the gauges out of this scrape; /readyz says why.
          }
        }),
      );
      return out;
    })();
    this.#stats = { at: now, value };
    return value;
  }
}
