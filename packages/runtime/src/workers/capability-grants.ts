// Main-thread side of handler capabilities: the runtime keeps, per agent, what its handler may
// reach (its `spec.connections` resolved to Connection specs, the workspace target), rebuilt on
// every apply, and `withCapabilities` stamps it on each task the pipeline hands the pool. The
// pipeline stays unaware of capabilities; the worker checks every request against the grant.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AgentManifest, ConnectionManifest, LoadedManifest } from '@troupe/core';
import type {
  ConnectionGrant,
  HandlerTask,
  TaskCapabilities,
  WorkerPool,
  WorkspaceTarget,
} from './contract.js';

/** Per-agent capabilities, rebuilt from the applied manifests. */
export class CapabilityRegistry {
  readonly workspace: WorkspaceTarget | undefined;
  #byAgent = new Map<string, TaskCapabilities>();
  readonly #none: TaskCapabilities | undefined;

  /** `workspace`: where every agent's `ctx.workspace` lives; undefined: no workspace. */
  constructor(workspace?: WorkspaceTarget) {
    this.workspace = workspace;
    this.#none =
      workspace === undefined
        ? undefined
        : Object.freeze({ listed: [], connections: {}, workspace });
  }

  /** Replace the grants with those of `manifests` (Agent and Connection documents). */
  update(manifests: readonly LoadedManifest[]): void {
    const connections = new Map<string, ConnectionGrant>();
    for (const m of manifests)
      if (m.manifest.kind === 'Connection') {
        const c = m as LoadedManifest<ConnectionManifest>;
        connections.set(c.manifest.metadata.name, {
          spec: c.manifest.spec,
          baseDir: dirname(c.file),
        });
      }
    const next = new Map<string, TaskCapabilities>();
    for (const m of manifests) {
      if (m.manifest.kind !== 'Agent') continue;
      const a = m as LoadedManifest<AgentManifest>;
      const spec = a.manifest.spec;
      // A built-in tool agent may use its tool's connection without listing it.
      const tool = spec.uses !== undefined ? spec.tool?.connection : undefined;
      const listed = [...new Set([...(spec.connections ?? []), ...(tool ? [tool] : [])])];
      const granted: Record<string, ConnectionGrant> = {};
      for (const name of listed) {
        const grant = connections.get(name);
        if (grant !== undefined) granted[name] = grant;
      }
      next.set(
        a.manifest.metadata.name,
        Object.freeze({
          listed,
          connections: granted,
          projectRoot: a.projectRoot,
          ...(this.workspace === undefined ? {} : { workspace: this.workspace }),
        }),
      );
    }
    this.#byAgent = next;
  }

  /** The capabilities of `agent`; only the workspace for an agent not applied here. */
  for(agent: string): TaskCapabilities | undefined {
    return this.#byAgent.get(agent) ?? this.#none;
  }
}

/** `pool` with each task's `capabilities` filled in from `registry` (tasks that carry some keep them). */
export function withCapabilities(pool: WorkerPool, registry: CapabilityRegistry): WorkerPool {
  const stamp = (task: HandlerTask): HandlerTask => {
    if (task.capabilities !== undefined) return task;
    const capabilities = registry.for(task.agent);
    return capabilities === undefined ? task : { ...task, capabilities };
  };
  return {
    run: (tasks) => pool.run(tasks.map(stamp)),
    stats: () => pool.stats(),
    close: (deadlineMs) => pool.close(deadlineMs),
  };
}

/**
 * The default workspace of a runtime given none: an SQLite file in a temporary directory private
 * to this runtime (created by the first worker that uses it), removed by `dispose()`. Enough for
 * one node (embedded default, `agentctl run`); nodes sharing work on Redis need a shared target
 * (`kind: 'redis'`).
 */
export function privateSqliteWorkspace(): { target: WorkspaceTarget; dispose(): void } {
  const dir = join(tmpdir(), `troupe-ws-${process.pid}-${randomBytes(6).toString('hex')}`);
  return {
    target: { kind: 'sqlite', filename: join(dir, 'workspace.db') },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
