// Test helpers of the pipeline and node suites: manifests built in code (no YAML needed), a
// shared worker pool whose `close` is a no-op (one pool per test file keeps the suites fast),
// and polling for a condition with a deadline. Not exported from the package.
import { fileURLToPath } from 'node:url';
import {
  API_VERSION,
  type AgentManifest,
  type AgentSpec,
  type EventTypeManifest,
  type EventTypeSpec,
  type LoadedManifest,
} from '@troupe/core';
import type { WorkerPool } from '../workers/contract.js';

/** Absolute path of a fixture handler in this folder's `fixtures/`. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
}

const location = { file: '/test/manifest.yaml', line: 1, column: 1 };

/** An Agent manifest as the loader would return it; `handler` is a fixture name. */
export function agentManifest(
  name: string,
  spec: Omit<AgentSpec, 'handler'> & { handler?: string },
): LoadedManifest<AgentManifest> {
  const handler = spec.handler ?? 'scripted';
  return {
    manifest: {
      apiVersion: API_VERSION,
      kind: 'Agent',
      metadata: { name },
      spec: { ...spec, handler },
    },
    location,
    file: location.file,
    projectRoot: '/test',
    handlerPath: fixture(handler),
  };
}

export function eventTypeManifest(
  name: string,
  spec: EventTypeSpec,
): LoadedManifest<EventTypeManifest> {
  return {
    manifest: { apiVersion: API_VERSION, kind: 'EventType', metadata: { name }, spec },
    location,
    file: location.file,
    projectRoot: '/test',
  };
}

/** A pool shared by many runtimes: their `close()` leaves it running. */
export function sharedPool(pool: WorkerPool): WorkerPool {
  return {
    run: (tasks) => pool.run(tasks),
    stats: () => pool.stats(),
    close: () => Promise.resolve(),
  };
}

/** Poll `check` until it returns true; throws with `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
