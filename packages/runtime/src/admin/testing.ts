// Test harness of the admin API suites (not exported): a node on the memory transport (or a
// given one) with an instrumented worker pool, its admin server on 127.0.0.1:0 with a token,
// manifest texts for a one-hop system, an authenticated fetch and polling with a deadline.
import { fileURLToPath } from 'node:url';
import { createRuntime, type Runtime, type RuntimeOptions } from '../node/runtime.js';
import type { Transport } from '../transport/contract.js';
import { createMemoryTransport } from '../transport/memory/index.js';
import { createWorkerPool } from '../workers/index.js';
import { AdminMetrics, instrumentPool } from './metrics.js';
import { startAdminServer, type AdminServer, type AdminServerOptions } from './server.js';

/** The fixtures folder: the test node's project root. */
export const ROOT = fileURLToPath(new URL('./fixtures/', import.meta.url));

export const TOKEN = 'test-token-0123456789';

/** Ping (entry, schema) → ponger → Pong (terminal); Beat (entry) → beater → Beaten (terminal). */
export const BASE_YAML = `apiVersion: troupe.dev/v1
kind: EventType
metadata: { name: Ping }
spec:
  entry: true
  schema: { type: object, required: [text], properties: { text: { type: string } } }
---
apiVersion: troupe.dev/v1
kind: EventType
metadata: { name: Pong }
spec: { terminal: true }
---
apiVersion: troupe.dev/v1
kind: EventType
metadata: { name: Beat }
spec: { entry: true }
---
apiVersion: troupe.dev/v1
kind: EventType
metadata: { name: Beaten }
spec: { terminal: true }
---
apiVersion: troupe.dev/v1
kind: Agent
metadata: { name: ponger }
spec:
  handler: ./relay.ts
  subscribe: [{ type: Ping }]
  emits: [Pong]
  config: { out: Pong }
---
apiVersion: troupe.dev/v1
kind: Agent
metadata: { name: beater }
spec:
  handler: ./relay.ts
  subscribe: [{ type: Beat }]
  emits: [Beaten]
  config: { out: Beaten }
`;

/** A second file: a new agent (Hello → greeter → Hi) and a failing one (Boom → failer). */
export const EXTRA_YAML = `apiVersion: troupe.dev/v1
kind: EventType
metadata: { name: Hello }
spec: { entry: true }
---
apiVersion: troupe.dev/v1
kind: EventType
metadata: { name: Hi }
spec: { terminal: true }
---
apiVersion: troupe.dev/v1
kind: EventType
metadata: { name: Boom }
spec: { entry: true }
---
apiVersion: troupe.dev/v1
kind: Agent
metadata: { name: greeter }
spec:
  handler: ./relay.ts
  subscribe: [{ type: Hello }]
  emits: [Hi]
  config: { out: Hi }
---
apiVersion: troupe.dev/v1
kind: Agent
metadata: { name: failer }
spec:
  handler: ./fail.ts
  subscribe: [{ type: Boom }]
  emits: []
`;

export interface TestNode {
  readonly runtime: Runtime;
  readonly admin: AdminServer;
  /** fetch `path` on the admin server with the token (unless `token: null`). */
  call(
    path: string,
    init?: RequestInit & { json?: unknown; token?: string | null },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestNode(
  input: Partial<AdminServerOptions> & {
    transport?: Transport;
    runtimeOptions?: RuntimeOptions;
  } = {},
): Promise<TestNode> {
  const { transport, runtimeOptions, ...options } = input;
  const metrics = new AdminMetrics({ processMetrics: false });
  const pool = instrumentPool(createWorkerPool({ threads: 1 }), metrics);
  const runtime = createRuntime({
    transport: transport ?? createMemoryTransport(),
    nodeId: 'admin-test',
    pool,
    options: { fetchBlockMs: 50, ...runtimeOptions },
  });
  const admin = await startAdminServer({
    runtime,
    root: ROOT,
    token: TOKEN,
    port: 0,
    metrics,
    ...options,
  });
  return {
    runtime,
    admin,
    call(path, init = {}) {
      const { json, token, ...rest } = init;
      const headers = new Headers(rest.headers);
      const t = token === undefined ? TOKEN : token;
      if (t !== null) headers.set('authorization', `Bearer ${t}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${admin.url}${path}`, {
        ...rest,
        headers,
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    },
    async close() {
      await admin.close();
      await runtime.close({ deadlineMs: 2000 });
    },
  };
}

/** Poll `check` every 20 ms until it returns true (or throw after `timeoutMs`). */
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
