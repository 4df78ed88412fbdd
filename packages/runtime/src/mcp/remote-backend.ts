// The MCP backend over a running node's admin HTTP API (`agentctl mcp --server URL`): every tool
// goes through the same endpoints, auth and checks as `agentctl` itself. Waits and progress use
// the server-sent event stream filtered by correlation id (armed before the publish); manifest
// changes are noticed by polling `/v1/manifests` while someone listens.
import {
  ErrorCode,
  TroupeError,
  type CloudEvent,
  type LoadedManifest,
  type Manifest,
} from '@troupe/core';
import type { AgentStatus } from '../pipeline/agent-runner.js';
import type { DeadLetter } from '../transport/contract.js';
import type { WorkspaceEntry } from '../workspace/contract.js';
import type { McpBackend, OutcomeWait } from './backend.js';
import { openEventStream, type SseSubscription } from './sse-client.js';

export const REMOTE_BACKEND_DEFAULTS = { pollMs: 5000, requestTimeoutMs: 30_000 } as const;

export interface RemoteBackendOptions {
  /** Base URL of the node's admin API, e.g. `http://127.0.0.1:7070`. */
  url: string;
  /** Bearer token (TROUPE_TOKEN). Default: none. */
  token?: string;
  /** How often applied manifests are polled while a client listens for changes. Default 5 s. */
  pollMs?: number;
  /** Timeout of plain requests (not of waits). Default 30 s. */
  requestTimeoutMs?: number;
}

interface AppliedDocument {
  kind: string;
  name: string;
  path: string;
  line?: number;
  manifest: Manifest;
}

interface Problem {
  code?: string;
  detail?: string;
  title?: string;
}

export function createRemoteBackend(options: RemoteBackendOptions): McpBackend {
  const base = options.url.replace(/\/+$/, '');
  const headers: Record<string, string> = options.token
    ? { authorization: `Bearer ${options.token}` }
    : {};
  const timeoutMs = options.requestTimeoutMs ?? REMOTE_BACKEND_DEFAULTS.requestTimeoutMs;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new TroupeError(
        ErrorCode.TransportUnavailable,
        `cannot reach the Troupe node at ${base}: ${(err as Error).message}`,
        {
          data: { cause: (err as Error).message },
        },
      );
    }
    const text = await res.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (res.ok) return parsed as T;
    const problem = (parsed ?? {}) as Problem;
    const message = problem.detail ?? problem.title ?? `HTTP ${res.status}`;
    throw new TroupeError(
      problem.code ?? ErrorCode.Unknown,
      res.status === 401 ? `${message} (check TROUPE_TOKEN)` : message,
      {
        retryable: res.status >= 500,
        data: { status: res.status },
      },
    );
  }

  const streamUrl = (correlationId: string, types?: readonly string[]): string => {
    const q = new URLSearchParams({ correlationId });
    if (types) q.set('type', types.join(','));
    return `${base}/v1/events/stream?${q.toString()}`;
  };

  async function manifests(): Promise<LoadedManifest[]> {
    const { items } = await call<{ items: AppliedDocument[] }>('GET', '/v1/manifests');
    return items.map((d) => ({
      manifest: d.manifest,
      file: d.path,
      projectRoot: '',
      location: { file: d.path, line: d.line ?? 1, column: 1 },
    }));
  }

  const listeners = new Set<() => void>();
  let poll: NodeJS.Timeout | undefined;
  let lastSeen: string | undefined;
  const check = async (): Promise<void> => {
    const now = JSON.stringify((await manifests()).map((m) => m.manifest));
    if (lastSeen !== undefined && now !== lastSeen) for (const l of listeners) l();
    lastSeen = now;
  };

  return {
    mode: 'remote',
    manifests,
    onManifestsChanged(listener) {
      listeners.add(listener);
      if (!poll) {
        void check().catch(() => {});
        poll = setInterval(
          () => void check().catch(() => {}),
          options.pollMs ?? REMOTE_BACKEND_DEFAULTS.pollMs,
        );
        poll.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && poll) {
          clearInterval(poll);
          poll = undefined;
          lastSeen = undefined;
        }
      };
    },
    async agents() {
      return (await call<{ items: AgentStatus[] }>('GET', '/v1/agents')).items;
    },
    async publish(type, data, o = {}) {
      const body = { type, data, ...(o.correlationId ? { correlationId: o.correlationId } : {}) };
      return (await call<{ event: CloudEvent }>('POST', '/v1/events', body)).event;
    },
    async waitFor(correlationId, types, waitMs): Promise<OutcomeWait> {
      let settle!: (r: { event: CloudEvent } | { error: TroupeError }) => void;
      const event = new Promise<CloudEvent>((resolve, reject) => {
        settle = (r) => ('event' in r ? resolve(r.event) : reject(r.error));
      });
      event.catch(() => {});
      let done = false;
      // Filled in below; `finish` may run before either exists.
      const st: { stream?: SseSubscription; timer?: NodeJS.Timeout } = {};
      const finish = (r: { event: CloudEvent } | { error: TroupeError }): void => {
        if (done) return;
        done = true;
        clearTimeout(st.timer);
        settle(r);
        void st.stream?.close();
      };
      const timeout = (why: string): TroupeError =>
        new TroupeError(
          ErrorCode.Timeout,
          `no ${types.join(' or ')} event for correlation ${correlationId} ${why}`,
          {
            data: { timeoutMs: waitMs, correlationId, types: [...types] },
          },
        );
      const stream = await openEventStream(streamUrl(correlationId, types), headers, (e) => {
        if (e.correlationid === correlationId && types.includes(e.type)) finish({ event: e });
      });
      st.stream = stream;
      if (done) await stream.close();
      else st.timer = setTimeout(() => finish({ error: timeout(`within ${waitMs} ms`) }), waitMs);
      void stream.ended.then(() => finish({ error: timeout('(the event stream ended)') }));
      return {
        event,
        cancel: () => {
          finish({ error: timeout('(wait cancelled)') });
          return Promise.resolve();
        },
      };
    },
    watchCorrelation(correlationId, onEvent) {
      return openEventStream(streamUrl(correlationId), headers, (e) => {
        if (e.correlationid === correlationId) onEvent(e);
      });
    },
    trace: (correlationId) => call('GET', `/v1/traces/${encodeURIComponent(correlationId)}`),
    async deadLetters(agent, limit) {
      const agents =
        agent === undefined
          ? (
              await call<{ items: { agent: string; deadLetters: number }[] }>('GET', '/v1/dlq')
            ).items
              .filter((a) => a.deadLetters > 0)
              .map((a) => a.agent)
          : [agent];
      const all: DeadLetter[] = [];
      for (const name of agents) {
        if (all.length >= limit) break;
        const { items } = await call<{ items: DeadLetter[] }>(
          'GET',
          `/v1/dlq/${encodeURIComponent(name)}?limit=${limit}`,
        );
        all.push(...items);
      }
      return all.slice(0, limit);
    },
    async replayDeadLetters(agent, ids) {
      const body = ids ? { ids } : { all: true };
      return (
        await call<{ replayed: number }>(
          'POST',
          `/v1/dlq/${encodeURIComponent(agent)}/replay`,
          body,
        )
      ).replayed;
    },
    async workspaceSearch(query) {
      const q = new URLSearchParams({ scope: query.scope });
      if (query.text !== undefined) q.set('text', query.text);
      if (query.tags) q.set('tags', query.tags.join(','));
      if (query.limit !== undefined) q.set('limit', String(query.limit));
      return (await call<{ items: WorkspaceEntry[] }>('GET', `/v1/workspace?${q.toString()}`))
        .items;
    },
    close() {
      listeners.clear();
      if (poll) clearInterval(poll);
      poll = undefined;
      return Promise.resolve();
    },
  };
}
