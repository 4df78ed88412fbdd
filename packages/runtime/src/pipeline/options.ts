// Agent and pipeline options: exported defaults, then defaults applied to an Agent manifest,
// then validation, giving the resolved shape the runner uses (STYLE.md §4). Retry and breaker
// policies are resolved by @troupe/core so every surface shares one set of defaults.
import {
  ErrorCode,
  TroupeError,
  resolveBreakerPolicy,
  resolveRetryPolicy,
  type AgentManifest,
  type BreakerPolicy,
  type LoadedManifest,
  type RetryPolicy,
  type Subscription,
} from '@troupe/core';
import { builtinAgent, builtinHandlerPath } from '../builtin/index.js';

/** Defaults of the Agent fields the pipeline reads (DESIGN.md §3). */
export const AGENT_DEFAULTS = {
  concurrency: 4,
  timeoutMs: 30_000,
  maxHops: 32,
} as const;

/** Defaults of the node-wide pipeline options. */
export const PIPELINE_DEFAULTS = {
  maxPayloadBytes: 1024 * 1024,
  correlationBudget: 10_000,
  visibilityTimeoutMs: 30_000,
  fetchBlockMs: 500,
  maxInFlight: 256,
} as const;

/** An Agent manifest with every default applied and every value checked. */
export interface ResolvedAgent {
  readonly name: string;
  readonly handlerPath: string;
  readonly subscribe: readonly Subscription[];
  /** The distinct subscribed types, in manifest order. */
  readonly types: readonly string[];
  readonly emits: ReadonlySet<string>;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly maxHops: number;
  readonly retry: RetryPolicy;
  readonly breaker: BreakerPolicy;
  readonly config: Readonly<Record<string, unknown>>;
}

/** Node-wide options of the pipeline. */
export interface PipelineOptions {
  /** Largest event (JSON bytes of the whole envelope) an agent accepts. Default 1 MiB. */
  maxPayloadBytes?: number;
  /** Events allowed per correlation id before the runaway is stopped. Default 10,000. */
  correlationBudget?: number;
  /** Lease of a fetched delivery; heartbeats renew it every third of it. Default 30,000 ms. */
  visibilityTimeoutMs?: number;
  /** How long one fetch waits for new events. Default 500 ms (bounds stop latency). */
  fetchBlockMs?: number;
  /** In-flight deliveries across all agents of this node. Default 256. */
  maxInFlight?: number;
}

export type ResolvedPipelineOptions = Readonly<Required<PipelineOptions>>;

function positiveInt(value: number, field: string, min = 1): number {
  if (!Number.isInteger(value) || value < min)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `${field} must be an integer >= ${min}, got ${String(value)}`,
      {
        data: { field },
        retryable: false,
      },
    );
  return value;
}

export function resolvePipelineOptions(options: PipelineOptions = {}): ResolvedPipelineOptions {
  const o = { ...PIPELINE_DEFAULTS, ...stripUndefined(options) };
  positiveInt(o.maxPayloadBytes, 'options.maxPayloadBytes');
  positiveInt(o.correlationBudget, 'options.correlationBudget');
  positiveInt(o.visibilityTimeoutMs, 'options.visibilityTimeoutMs', 3);
  positiveInt(o.fetchBlockMs, 'options.fetchBlockMs', 0);
  positiveInt(o.maxInFlight, 'options.maxInFlight');
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Resolve one loaded Agent manifest; errors name `agents/<name>.spec.<field>`. */
export function resolveAgent(loaded: LoadedManifest<AgentManifest>): ResolvedAgent {
  const { metadata, spec } = loaded.manifest;
  const at = `agents/${metadata.name}.spec`;
  // A built-in (`uses`) runs from the runtime's own module, configured from the manifest.
  const builtin = spec.uses === undefined ? undefined : builtinAgent(spec);
  const handlerPath = spec.uses === undefined ? loaded.handlerPath : builtinHandlerPath(spec.uses);
  if (!handlerPath)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `${at}.handler is not resolved (load manifests with loadManifests)`,
      {
        data: { field: `${at}.handler` },
        retryable: false,
      },
    );
  const types = [...new Set(spec.subscribe.map((s) => s.type))];
  return {
    name: metadata.name,
    handlerPath,
    subscribe: spec.subscribe,
    types,
    emits: new Set(builtin?.emits ?? spec.emits ?? []),
    concurrency: positiveInt(spec.concurrency ?? AGENT_DEFAULTS.concurrency, `${at}.concurrency`),
    timeoutMs: positiveInt(spec.timeoutMs ?? AGENT_DEFAULTS.timeoutMs, `${at}.timeoutMs`),
    maxHops: positiveInt(spec.maxHops ?? AGENT_DEFAULTS.maxHops, `${at}.maxHops`, 0),
    retry: resolveRetryPolicy(spec.retry, `${at}.retry`),
    breaker: resolveBreakerPolicy(spec.breaker, `${at}.breaker`),
    config: builtin?.config ?? spec.config ?? {},
  };
}
