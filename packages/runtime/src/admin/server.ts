// Listening with the admin app: binds host:port (default 127.0.0.1:7070), refuses to listen
// beyond loopback without a bearer token, and closes cleanly: live SSE streams are ended and
// idle keep-alive sockets dropped, so `close()` never waits on a client that keeps a socket.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ErrorCode, TroupeError } from '@troupe/core';
import { createAdminApp, type AdminApp, type AdminAppOptions } from './app.js';
import { isLoopbackHost } from './auth.js';

/** Defaults of `AdminServerOptions`. */
export const ADMIN_SERVER_DEFAULTS = { host: '127.0.0.1', port: 7070 } as const;

export interface AdminServerOptions extends AdminAppOptions {
  /** Interface to bind. Default `127.0.0.1`; anything but loopback requires `token`. */
  readonly host?: string;
  /** TCP port; 0 picks a free one. Default 7070. */
  readonly port?: number;
}

export interface AdminServer extends AdminApp {
  /** `http://host:port` of the bound socket (the real port when 0 was asked). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly server: Server;
}

/** Refuse a configuration that would expose the API without a token. */
export function checkExposure(host: string, token: string | undefined): void {
  if (!isLoopbackHost(host) && (token === undefined || token === ''))
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `refusing to serve the admin API on ${host} without a token: set TROUPE_TOKEN (clients send it as a bearer token), or listen on 127.0.0.1`,
      { retryable: false, data: { field: 'token', host } },
    );
}

export async function startAdminServer(o: AdminServerOptions): Promise<AdminServer> {
  const host = o.host ?? ADMIN_SERVER_DEFAULTS.host;
  const port = o.port ?? ADMIN_SERVER_DEFAULTS.port;
  checkExposure(host, o.token);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `port must be an integer from 0 to 65535, got ${port}`,
      {
        retryable: false,
        data: { field: 'port' },
      },
    );
  const admin = await createAdminApp(o.token === '' ? { ...o, token: undefined } : o);
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = admin.app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
      s.once('error', reject);
    });
  } catch (err) {
    await admin.close();
    const code = (err as { code?: string }).code;
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `cannot listen on ${host}:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : err instanceof Error ? err.message : String(err)}`,
      {
        retryable: false,
        cause: err,
        data: { field: 'port', host, port, ...(code === 'EADDRINUSE' ? { reason: 'in-use' } : {}) },
      },
    );
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    ...admin,
    server,
    host: address.address,
    port: address.port,
    url: `http://${shownHost}:${address.port}`,
    async close() {
      await admin.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // In-flight requests (a publish-and-wait) get a moment, then their sockets are cut.
      const timer = setTimeout(() => server.closeAllConnections(), 1000);
      await closed;
      clearTimeout(timer);
    },
  };
}
