// Worker side: the capabilities of the handlers running on one worker thread (DESIGN.md §5).
// A task carries its agent's grants (listed connection names, their specs, the workspace
// target); the host checks each request against them and hands out adapters created once per
// thread and reused by every later invocation (keyed by name and spec, so a re-applied,
// changed Connection gets a fresh client). The workspace is reached through a store connection
// this thread opens itself (docs/decisions/0005-handler-capabilities.md explains why not RPC).
import type * as Adapters from '@troupe/adapters';
import { capabilityUnavailable } from '@troupe/core';
import type {
  LlmCapability,
  SqlCapability,
  ToolsCapability,
  WorkspaceCapability,
} from '@troupe/core';
import type { WorkspaceStore } from '../workspace/contract.js';
import { scopedWorkspace } from '../workspace/scoped.js';
import type { HandlerTask, WorkspaceTarget } from './contract.js';
import { needsAdapters, openConnection, type OpenConnection } from './connectors.js';

// Type-only: erased, so the adapters load only through a dynamic import, on first need.
type AdaptersModule = typeof Adapters;
type Capability = 'sql' | 'llm' | 'tools';
const WANTED: Readonly<Record<Capability, OpenConnection['type']>> = {
  sql: 'sql',
  llm: 'llm',
  tools: 'mcp',
};

/** Open the store of a workspace target (this thread's own connection). */
async function openStore(target: WorkspaceTarget): Promise<WorkspaceStore> {
  switch (target.kind) {
    case 'redis': {
      const { createRedisWorkspaceStore } = await import('../workspace/redis-store.js');
      return createRedisWorkspaceStore({
        url: target.url,
        ...(target.namespace === undefined ? {} : { namespace: target.namespace }),
      });
    }
    case 'sqlite': {
      const { createSqlWorkspaceStore } = await import('../workspace/sql-store.js');
      return createSqlWorkspaceStore({ filename: target.filename });
    }
    case 'postgres': {
      const { createSqlWorkspaceStore } = await import('../workspace/sql-store.js');
      return createSqlWorkspaceStore({ config: { client: 'pg', connection: target.connection } });
    }
  }
}

/** A store that connects on first use; a failed connect is retried by the next call. */
function lazyStore(target: WorkspaceTarget): WorkspaceStore {
  let opening: Promise<WorkspaceStore> | undefined;
  const store = (): Promise<WorkspaceStore> => {
    opening ??= openStore(target).catch((err: unknown) => {
      opening = undefined;
      throw err;
    });
    return opening;
  };
  return {
    put: async (scope, key, value, o) => (await store()).put(scope, key, value, o),
    get: async (scope, key) => (await store()).get(scope, key),
    list: async (scope, o) => (await store()).list(scope, o),
    search: async (scope, o) => (await store()).search(scope, o),
    delete: async (scope, key, o) => (await store()).delete(scope, key, o),
    update: async (scope, key, fn, o) => (await store()).update(scope, key, fn, o),
    purgeExpired: async () => (await store()).purgeExpired(),
    close: async () => {
      if (opening !== undefined) await (await opening).close();
    },
  };
}

export class CapabilityHost {
  readonly #importAdapters: () => Promise<AdaptersModule>;
  #adapters: AdaptersModule | undefined;
  #loading: Promise<void> | undefined;
  readonly #open = new Map<string, OpenConnection>();
  readonly #stores = new Map<string, WorkspaceStore>();

  /** `importAdapters` loads @troupe/adapters (default: a dynamic import of the package). */
  constructor(importAdapters: () => Promise<AdaptersModule> = () => import('@troupe/adapters')) {
    this.#importAdapters = importAdapters;
  }

  /**
   * Undefined when `task` can run now; otherwise a promise to await first (loading the adapter
   * modules on this thread's first task with connections). Not charged to the handler's timeout.
   */
  prepare(task: HandlerTask): Promise<void> | undefined {
    if (this.#adapters !== undefined || task.capabilities === undefined) return undefined;
    if (!Object.values(task.capabilities.connections).some(needsAdapters)) return undefined;
    return (this.#loading ??= this.#importAdapters().then(
      (m) => {
        this.#adapters = m;
      },
      (err: unknown) => {
        this.#loading = undefined;
        throw err;
      },
    ));
  }

  /** The connection `name` for `capability`, checked against the task's grants. */
  connection(task: HandlerTask, capability: Capability, name: string): OpenConnection {
    const caps = task.capabilities;
    const listed = caps?.listed ?? [];
    if (typeof name !== 'string' || !listed.includes(name))
      throw capabilityUnavailable(
        capability,
        'not-listed',
        `agent ${task.agent} may not use connection ${JSON.stringify(name)}: it is not in the agent's spec.connections [${listed.join(', ')}]`,
        String(name),
      );
    const grant = Object.hasOwn(caps!.connections, name) ? caps!.connections[name] : undefined;
    if (grant === undefined)
      throw capabilityUnavailable(
        capability,
        'unknown-connection',
        `agent ${task.agent} lists connection ${name}, but no Connection manifest of that name is applied`,
        name,
      );
    if (grant.spec.type !== WANTED[capability])
      throw capabilityUnavailable(
        capability,
        'wrong-type',
        `connection ${name} is of type ${grant.spec.type}; ctx.${capability === 'tools' ? 'tools.call' : capability}() needs type ${WANTED[capability]}`,
        name,
      );
    const key = `${name}\u0000${grant.baseDir}\u0000${JSON.stringify(grant.spec)}`;
    let open = this.#open.get(key);
    if (open === undefined) {
      const adapters = this.#adapters;
      if (adapters === undefined && needsAdapters(grant))
        throw capabilityUnavailable(
          capability,
          'not-configured',
          `connection ${name}: the adapters were not loaded for this task (a runtime bug)`,
          name,
        );
      open = openConnection(name, grant, adapters!);
      this.#open.set(key, open);
    }
    return open;
  }

  sql(task: HandlerTask, name: string): SqlCapability {
    const open = this.connection(task, 'sql', name);
    if (open.type !== 'sql') throw new TypeError('connector returned another type');
    return open.client;
  }

  llm(task: HandlerTask, name: string): LlmCapability {
    const open = this.connection(task, 'llm', name);
    if (open.type !== 'llm') throw new TypeError('connector returned another type');
    return open.client;
  }

  /**
   * `ctx.tools` of one invocation. A call aborts on the handler's deadline (`ctx.signal`), on the
   * caller's own `options.signal`, and past `options.timeoutMs` (MCP_ERROR kind timeout).
   */
  tools(task: HandlerTask, signal: () => AbortSignal): ToolsCapability {
    return {
      call: async (connection, tool, args = {}, options = {}) => {
        const open = this.connection(task, 'tools', connection);
        if (open.type !== 'mcp') throw new TypeError('connector returned another type');
        const own = signal();
        const theirs = options?.signal;
        const timeoutMs = options?.timeoutMs;
        return open.client.callTool(tool, args, {
          signal: theirs === undefined ? own : AbortSignal.any([own, theirs]),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        });
      },
    };
  }

  /** `ctx.workspace` of one invocation: the thread's store bound to the correlation id. */
  workspace(task: HandlerTask): WorkspaceCapability {
    const target = task.capabilities?.workspace;
    if (target === undefined)
      throw capabilityUnavailable(
        'workspace',
        'not-configured',
        `agent ${task.agent} has no workspace: the runtime was started without a workspace store`,
      );
    const key = JSON.stringify(target);
    let store = this.#stores.get(key);
    if (store === undefined) {
      store = lazyStore(target);
      this.#stores.set(key, store);
    }
    return scopedWorkspace(store, task.event.correlationid, { createdBy: task.agent });
  }
}
