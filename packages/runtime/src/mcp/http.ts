// The MCP server over Streamable HTTP at `/mcp`, as an express router to mount on the admin app.
// Stateful: an `initialize` POST opens a session (its own SDK server and transport), later
// requests carry `mcp-session-id`; idle sessions are closed. In front of every request, in this
// order: Host validation (the SDK's `hostHeaderValidation`) and an Origin check, both 403, against
// DNS rebinding (a browser page must not drive a local node); then the bearer token, 401.
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { McpBackend } from './backend.js';
import { InputValidator } from './input-validation.js';
import { createMcpServer, type McpServerOptions } from './server.js';

/** Hostnames accepted by default: loopback only. */
export const DEFAULT_MCP_ALLOWED_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export const MCP_HTTP_DEFAULTS = {
  sessionIdleMs: 30 * 60_000,
  maxSessions: 100,
  maxBodyBytes: 4 * 1024 * 1024,
} as const;

export interface McpHttpOptions extends McpServerOptions {
  /**
   * Bearer token every request must carry (`Authorization: Bearer <token>`), compared in constant
   * time; the admin API's token. Default: none, acceptable only on a loopback listener.
   */
  token?: string;
  /** Hostnames (no port) accepted in `Host`. Default `DEFAULT_MCP_ALLOWED_HOSTS`. */
  allowedHosts?: readonly string[];
  /**
   * Origins (`scheme://host[:port]`) accepted in `Origin`. Default: http(s) origins whose
   * hostname is in `allowedHosts`. Requests without `Origin` (non-browser clients) pass.
   */
  allowedOrigins?: readonly string[];
  /** A session without requests for this long is closed. Default 30 minutes. */
  sessionIdleMs?: number;
  /** Open sessions at most; further `initialize` requests get 503. Default 100. */
  maxSessions?: number;
  /** Largest JSON-RPC request body. Default 4 MiB. */
  maxBodyBytes?: number;
}

export interface McpHttpEndpoint {
  /** Mount at `/mcp`: handles POST, GET (SSE) and DELETE. */
  readonly router: Router;
  /** Open sessions now. */
  sessionCount(): number;
  /** Close every session and stop the idle sweep. */
  close(): Promise<void>;
}

function rpcError(
  res: Response,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res
    .status(status)
    .set(headers)
    .json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time token comparison (equal-length digests, so lengths do not leak either). */
export function tokenMatches(expected: string, header: string | undefined): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(expected), digest(match[1].trim()));
}

/** Is `origin` allowed: listed exactly, or (with no list) an http(s) origin on an allowed host. */
export function originAllowed(
  origin: string,
  allowedHosts: readonly string[],
  allowedOrigins?: readonly string[],
): boolean {
  if (allowedOrigins) return allowedOrigins.includes(origin);
  try {
    const url = new URL(origin);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && allowedHosts.includes(url.hostname)
    );
  } catch {
    return false;
  }
}

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: Server;
  lastSeen: number;
}

/** The `/mcp` endpoint over `backend`. */
export function createMcpHttpEndpoint(
  backend: McpBackend,
  options: McpHttpOptions = {},
): McpHttpEndpoint {
  const allowedHosts = options.allowedHosts ?? DEFAULT_MCP_ALLOWED_HOSTS;
  const idleMs = options.sessionIdleMs ?? MCP_HTTP_DEFAULTS.sessionIdleMs;
  const maxSessions = options.maxSessions ?? MCP_HTTP_DEFAULTS.maxSessions;
  const serverOptions: McpServerOptions = {
    ...options,
    validator: options.validator ?? new InputValidator(),
  };
  const sessions = new Map<string, Session>();
  const router = express.Router();

  router.use(hostHeaderValidation([...allowedHosts]));
  router.use((req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, allowedHosts, options.allowedOrigins))
      return rpcError(res, 403, `Origin ${origin} is not allowed`);
    if (options.token !== undefined && !tokenMatches(options.token, req.headers.authorization))
      return rpcError(res, 401, 'missing or wrong bearer token', { 'WWW-Authenticate': 'Bearer' });
    next();
  });
  router.use(express.json({ limit: options.maxBodyBytes ?? MCP_HTTP_DEFAULTS.maxBodyBytes }));

  const sessionOf = (req: Request): Session | undefined => {
    const id = req.headers['mcp-session-id'];
    return typeof id === 'string' ? sessions.get(id) : undefined;
  };

  router.post('/', async (req: Request, res: Response) => {
    const existing = sessionOf(req);
    if (existing) {
      existing.lastSeen = Date.now();
      return existing.transport.handleRequest(req, res, req.body);
    }
    if (req.headers['mcp-session-id'] !== undefined)
      return rpcError(res, 404, 'unknown or expired session: initialize again');
    if (!isInitializeRequest(req.body))
      return rpcError(res, 400, 'no session: the first request must be initialize');
    if (sessions.size >= maxSessions)
      return rpcError(res, 503, `too many open MCP sessions (${maxSessions})`);
    const server = createMcpServer(backend, serverOptions);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) =>
        void sessions.set(id, { transport, server, lastSeen: Date.now() }),
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });

  const bySession = async (req: Request, res: Response): Promise<void> => {
    const session = sessionOf(req);
    if (!session) return rpcError(res, 404, 'unknown or expired session');
    session.lastSeen = Date.now();
    await session.transport.handleRequest(req, res);
  };
  router.get('/', bySession);
  router.delete('/', bySession);

  const closeSession = async (id: string, s: Session): Promise<void> => {
    sessions.delete(id);
    await s.server.close().catch(() => {});
  };
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [id, s] of sessions) if (now - s.lastSeen > idleMs) void closeSession(id, s);
    },
    Math.max(1000, Math.min(idleMs, 60_000)),
  );
  sweep.unref();

  return {
    router,
    sessionCount: () => sessions.size,
    async close() {
      clearInterval(sweep);
      await Promise.all([...sessions].map(([id, s]) => closeSession(id, s)));
    },
  };
}

/** Mount the endpoint at `path` (default `/mcp`) on an express app (the admin API's). */
export function mountMcp(
  app: { use(path: string, router: Router): unknown },
  backend: McpBackend,
  options: McpHttpOptions & { path?: string } = {},
): McpHttpEndpoint {
  const endpoint = createMcpHttpEndpoint(backend, options);
  app.use(options.path ?? '/mcp', endpoint.router);
  return endpoint;
}
