// What the MCP server needs from a Troupe node, as one small interface. Two implementations: the
// embedded one wraps a `Runtime` in this process (`agentctl mcp -f`, and `/mcp` mounted on the
// node's own admin app); the remote one bridges to a running node over its admin HTTP API
// (`agentctl mcp --server URL`). The server's tools and resources are written once against it.
import type { CloudEvent, LoadedManifest } from '@troupe/core';
import type { AgentStatus } from '../pipeline/agent-runner.js';
import type { DeadLetter } from '../transport/contract.js';
import type { WorkspaceEntry } from '../workspace/contract.js';

/** An armed wait for an outcome (see `Runtime.waitFor`): publish after it resolves. */
export interface OutcomeWait {
  readonly event: Promise<CloudEvent>;
  cancel(): Promise<void>;
}

/** A live view of one correlation's events (progress notifications). */
export interface CorrelationWatch {
  close(): Promise<void>;
}

export interface BackendPublishOptions {
  correlationId?: string;
  /** CloudEvents `source`. */
  source?: string;
}

/** Options of `workspaceSearch`, as the `workspace_search` tool takes them. */
export interface BackendWorkspaceSearch {
  /** A correlation id, `global`, or `all-scopes`. */
  scope: string;
  text?: string;
  tags?: string[];
  limit?: number;
}

export interface McpBackend {
  /** `embedded` (a runtime in this process) or `remote` (a node's admin API). */
  readonly mode: 'embedded' | 'remote';
  /** The applied manifests, every kind, in order. */
  manifests(): Promise<readonly LoadedManifest[]>;
  /** Call `listener` whenever the applied manifests change; returns the unsubscribe function. */
  onManifestsChanged(listener: () => void): () => void;
  agents(): Promise<readonly AgentStatus[]>;
  /** Publish an entry event (entry types only, schema-checked by the node). */
  publish(type: string, data: unknown, options?: BackendPublishOptions): Promise<CloudEvent>;
  /** Arm a wait for the first event of `types` in `correlationId`. */
  waitFor(correlationId: string, types: readonly string[], timeoutMs: number): Promise<OutcomeWait>;
  /** Call `onEvent` for every event of the correlation appended from now on. */
  watchCorrelation(
    correlationId: string,
    onEvent: (event: CloudEvent) => void,
  ): Promise<CorrelationWatch>;
  /** The causal tree of a correlation, as the node reports it. */
  trace(correlationId: string): Promise<unknown>;
  /** Dead letters of one agent, or of every agent when `agent` is undefined. */
  deadLetters(agent: string | undefined, limit: number): Promise<readonly DeadLetter[]>;
  /** Re-deliver dead letters of `agent` (all, or the given ids); how many were replayed. */
  replayDeadLetters(agent: string, ids?: readonly string[]): Promise<number>;
  workspaceSearch(query: BackendWorkspaceSearch): Promise<readonly WorkspaceEntry[]>;
  /** Release what the backend opened itself (not the runtime it was given). */
  close(): Promise<void>;
}
