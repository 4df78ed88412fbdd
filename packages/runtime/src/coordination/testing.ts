// Test helpers of the coordination and archive suites: Aggregator, Saga and responder-Agent
// manifests built in code, and a transport / store pair whose `close` is a no-op, so a second
// runtime can take over the first one's state in one process. Not exported from the package.
import { fileURLToPath } from 'node:url';
import {
  API_VERSION,
  createEvent,
  type AgentManifest,
  type AggregatorManifest,
  type AggregatorSpec,
  type LoadedManifest,
  type SagaManifest,
  type SagaSpec,
} from '@troupe/core';
import type { Transport } from '../transport/contract.js';
import type { WorkerPool } from '../workers/index.js';
import type { CoordinationStore } from './store.js';

const location = { file: '/test/manifest.yaml', line: 1, column: 1 };

function loaded<M extends LoadedManifest['manifest']>(manifest: M, handlerPath?: string) {
  return {
    manifest,
    location,
    file: location.file,
    projectRoot: '/test',
    ...(handlerPath ? { handlerPath } : {}),
  } as LoadedManifest<M>;
}

/** Absolute path of the responder fixture handler. */
export const responderPath = fileURLToPath(new URL('./fixtures/responder.ts', import.meta.url));

/**
 * Run the responder once on each of `threads` threads (tsx and the fixture load once per thread),
 * so the timings measured afterwards are real.
 */
export async function warmResponders(pool: WorkerPool, threads = 1): Promise<void> {
  const task = {
    handlerPath: responderPath,
    agent: 'warm',
    attempt: 1,
    timeoutMs: 30_000,
    config: {},
  };
  await Promise.all(
    Array.from({ length: threads }, () =>
      pool.run([{ ...task, event: createEvent({ type: 'Warm', data: {} }) }]),
    ),
  );
}

/** Config of the responder fixture. */
export interface ResponderConfig {
  out?: string;
  sleepMs?: number;
  failAttempts?: number;
  nonRetryable?: boolean;
}

/** An Agent running the responder fixture. */
export function responder(
  name: string,
  subscribe: string,
  config: ResponderConfig,
  retry: AgentManifest['spec']['retry'] = {
    attempts: 3,
    backoff: 'fixed',
    initialDelayMs: 20,
    jitter: 0,
  },
): LoadedManifest<AgentManifest> {
  const handlerPath = responderPath;
  return loaded<AgentManifest>(
    {
      apiVersion: API_VERSION,
      kind: 'Agent',
      metadata: { name },
      spec: {
        handler: './fixtures/responder.ts',
        subscribe: [{ type: subscribe }],
        emits: config.out ? [config.out] : [],
        retry,
        config: { ...config },
      },
    },
    handlerPath,
  );
}

export function aggregator(name: string, spec: AggregatorSpec): LoadedManifest<AggregatorManifest> {
  return loaded<AggregatorManifest>({
    apiVersion: API_VERSION,
    kind: 'Aggregator',
    metadata: { name },
    spec,
  });
}

export function saga(name: string, spec: SagaSpec): LoadedManifest<SagaManifest> {
  return loaded<SagaManifest>({ apiVersion: API_VERSION, kind: 'Saga', metadata: { name }, spec });
}

/** `transport` with a no-op close (the "process" survives a runtime's close). */
export function keepOpen<T extends Transport | CoordinationStore>(target: T): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'close') return () => Promise.resolve();
      const v: unknown = Reflect.get(t, prop);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}
