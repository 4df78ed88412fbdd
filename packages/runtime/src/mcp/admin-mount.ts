// `/mcp` on the admin API's express app: `createAdminApp({ …, mount: mcp.mount })`. The MCP
// endpoint runs before the admin API's auth and checks, in order, Host, Origin (403) and the
// admin token (or its own `token` option) itself (401), and
// its tools see the node's runtime; traces fall back to the admin feed's recent events when the
// runtime keeps no archive, like `GET /v1/traces/:id`.
import type { Express } from 'express';
import type { AdminMountContext } from '../admin/app.js';
import type { WorkspaceStore } from '../workspace/contract.js';
import { createEmbeddedBackend } from './embedded-backend.js';
import { createMcpHttpEndpoint, type McpHttpEndpoint, type McpHttpOptions } from './http.js';

export interface McpAdminMountOptions extends McpHttpOptions {
  /** Path of the endpoint. Default `/mcp`. */
  path?: string;
  /** Store behind `workspace_search` (the admin API's). Default: none. */
  workspace?: WorkspaceStore;
}

export interface McpAdminMount {
  /** Pass as `AdminAppOptions.mount`. */
  readonly mount: (app: Express, context: AdminMountContext) => void;
  /** Close the MCP sessions (call before or after the admin server closes). */
  readonly close: () => Promise<void>;
  /** The endpoint, once mounted. */
  readonly endpoint: () => McpHttpEndpoint | undefined;
}

export function mcpAdminMount(options: McpAdminMountOptions = {}): McpAdminMount {
  let endpoint: McpHttpEndpoint | undefined;
  return {
    mount: (app, { runtime, feed, token }) => {
      const backend = createEmbeddedBackend(runtime, {
        ...(options.workspace ? { workspace: options.workspace } : {}),
        trace: async (correlationId) => {
          try {
            return await runtime.trace(correlationId);
          } catch (err) {
            const events = feed.recent({ correlationId });
            if (events.length === 0) throw err;
            return { correlationId, source: 'recent-events', events };
          }
        },
      });
      const own = options.token ?? token;
      endpoint = createMcpHttpEndpoint(backend, {
        ...options,
        ...(own !== undefined ? { token: own } : {}),
      });
      app.use(options.path ?? '/mcp', endpoint.router);
    },
    close: async () => endpoint?.close(),
    endpoint: () => endpoint,
  };
}
