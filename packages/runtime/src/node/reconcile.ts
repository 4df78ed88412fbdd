// Reconciliation plan: compare the agents running on this node with the desired set from the
// applied manifests. New agents start, changed ones (any spec field or the resolved handler
// path) restart, removed ones stop, and the rest are left undisturbed.
import type { ResolvedAgent } from '../pipeline/options.js';

/** What changes on `apply`. Names in manifest order. */
export interface ReconcilePlan {
  readonly start: readonly string[];
  readonly restart: readonly string[];
  readonly stop: readonly string[];
  readonly unchanged: readonly string[];
}

/** A stable text of everything about an agent that, when changed, requires a restart. */
export function agentFingerprint(agent: ResolvedAgent): string {
  return JSON.stringify({
    handlerPath: agent.handlerPath,
    subscribe: agent.subscribe,
    emits: [...agent.emits].sort(),
    concurrency: agent.concurrency,
    timeoutMs: agent.timeoutMs,
    maxHops: agent.maxHops,
    retry: agent.retry,
    breaker: agent.breaker,
    config: agent.config,
  });
}

export function planReconcile(
  running: ReadonlyMap<string, string>,
  desired: ReadonlyMap<string, string>,
): ReconcilePlan {
  const start: string[] = [];
  const restart: string[] = [];
  const unchanged: string[] = [];
  for (const [name, fp] of desired) {
    const current = running.get(name);
    if (current === undefined) start.push(name);
    else if (current !== fp) restart.push(name);
    else unchanged.push(name);
  }
  const stop = [...running.keys()].filter((name) => !desired.has(name));
  return { start, restart, stop, unchanged };
}
