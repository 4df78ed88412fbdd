// The MCP backend over a runtime in this process: `agentctl mcp -f` (its own runtime) and `/mcp`
// mounted on a node's admin app (that node's runtime). Publishing, waiting and dead letters go
// through the runtime and its transport; progress watches every event type the applied
// manifests mention and keeps the ones of the correlation.
import { buildGraph, ErrorCode, TroupeError, type LoadedManifest } from '@troupe/core';
import type { Runtime } from '../node/runtime.js';
import type { WorkspaceStore } from '../workspace/contract.js';
import type { DeadLetter } from '../transport/contract.js';
import { ALL_SCOPES } from '../workspace/contract.js';
import type { McpBackend } from './backend.js';

export interface EmbeddedBackendOptions {
  /** Store behind `workspace_search`. Default: none (the tool answers that none is configured). */
  workspace?: WorkspaceStore;
  /**
   * The causal tree of a correlation, for `get_trace` and trace resources. Default: the
   * runtime's `trace(id)` (which needs the runtime's event archive).
   */
  trace?: (correlationId: string) => Promise<unknown>;
}

/** Every event type the manifests name (subscribed, emitted, collected, published…). */
export function mentionedTypes(manifests: readonly LoadedManifest[]): string[] {
  return buildGraph(manifests).eventTypes.map((t) => t.name);
}

function unavailable(what: string, hint: string): TroupeError {
  return new TroupeError(ErrorCode.NotFound, `${what} is not available on this node: ${hint}`, {
    retryable: false,
    data: { kind: 'capability', name: what },
  });
}

export function createEmbeddedBackend(
  runtime: Runtime,
  options: EmbeddedBackendOptions = {},
): McpBackend {
  const trace = options.trace ?? ((id: string) => runtime.trace(id));
  const agentNames = (): string[] => runtime.agents().map((a) => a.name);
  return {
    mode: 'embedded',
    manifests: () => Promise.resolve(runtime.manifests()),
    onManifestsChanged: (listener) => runtime.onApplied(() => listener()),
    agents: () => Promise.resolve(runtime.agents()),
    publish: (type, data, o = {}) => runtime.publish(type, data, o),
    waitFor: (correlationId, types, timeoutMs) => runtime.waitFor(correlationId, types, timeoutMs),
    async watchCorrelation(correlationId, onEvent) {
      const types = mentionedTypes(runtime.manifests());
      if (types.length === 0) return { close: () => Promise.resolve() };
      return runtime.transport.observe(types, (event) => {
        if (event.correlationid === correlationId) onEvent(event);
      });
    },
    trace: (correlationId) => trace(correlationId),
    async deadLetters(agent, limit) {
      const names = agent === undefined ? agentNames() : [agent];
      if (agent !== undefined && !agentNames().includes(agent))
        throw new TroupeError(ErrorCode.NotFound, `no agent named ${agent} is running`, {
          retryable: false,
          data: { kind: 'agent', name: agent },
        });
      const all: DeadLetter[] = [];
      for (const name of names) all.push(...(await runtime.transport.deadLetters(name, { limit })));
      return all.slice(0, limit);
    },
    replayDeadLetters(agent, ids) {
      if (!agentNames().includes(agent))
        return Promise.reject(
          new TroupeError(ErrorCode.NotFound, `no agent named ${agent} is running`, {
            retryable: false,
            data: { kind: 'agent', name: agent },
          }),
        );
      return runtime.transport.redrive(agent, ids);
    },
    workspaceSearch(query) {
      const store = options.workspace;
      if (!store)
        return Promise.reject(
          unavailable('the workspace', 'the runtime was started without a workspace store'),
        );
      return store.search(query.scope === ALL_SCOPES ? ALL_SCOPES : query.scope, {
        ...(query.text === undefined ? {} : { text: query.text }),
        ...(query.tags === undefined ? {} : { tags: query.tags }),
        ...(query.limit === undefined ? {} : { limit: query.limit }),
      });
    },
    close: () => Promise.resolve(),
  };
}
