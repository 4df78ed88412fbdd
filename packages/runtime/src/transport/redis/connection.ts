// Connections of the Redis transport (DESIGN.md §7, ecosystem-anchors §0.1): node-redis v6
// pinned to RESP2 (the reply shapes parsed in replies.ts), reconnecting with capped exponential
// backoff (no busy loop, no crash), and an EVALSHA runner that loads a script on NOSCRIPT
// (a restarted Redis forgets its script cache).
import type { Logger } from '@troupe/core';
import { createClient } from 'redis';
import { errorMessage, isNoScript } from './replies.js';
import type { Script } from './scripts.js';

/** The few client operations the transport uses (keeps node-redis' generic types out). */
export interface RedisConnection {
  sendCommand(args: readonly string[], options?: { timeout?: number }): Promise<unknown>;
  /** Drop the socket now; commands in flight (a blocking read) reject. */
  destroy(): void;
}

export interface ConnectionSettings {
  readonly url: string;
  /** Upper bound of the reconnect backoff. */
  readonly maxReconnectDelayMs: number;
  /** Default timeout of ordinary commands. */
  readonly commandTimeoutMs: number;
  readonly logger: Logger;
  readonly name: string;
}

/** A connected RESP2 client; errors are logged (rate-limited), never thrown at the process. */
export async function connect(settings: ConnectionSettings): Promise<RedisConnection> {
  let lastLog = 0;
  let ready = false;
  const client = createClient({
    url: settings.url,
    RESP: 2,
    name: settings.name,
    commandOptions: { timeout: settings.commandTimeoutMs },
    socket: {
      connectTimeout: Math.min(10_000, settings.commandTimeoutMs),
      // The first connection fails fast (a wrong URL should not hang startup); once connected,
      // reconnect forever with capped exponential backoff.
      reconnectStrategy: (retries, cause) =>
        !ready && retries >= 2
          ? new Error(`cannot connect to ${settings.url}: ${cause.message}`)
          : Math.min(50 * 2 ** Math.min(retries, 10), settings.maxReconnectDelayMs),
    },
  });
  client.on('error', (err: unknown) => {
    const now = Date.now();
    if (now - lastLog < 5000) return;
    lastLog = now;
    settings.logger.warn('redis connection error (reconnecting)', {
      connection: settings.name,
      error: errorMessage(err),
    });
  });
  await client.connect();
  ready = true;
  return {
    sendCommand: (args, options) => client.sendCommand(args, options),
    destroy: () => {
      try {
        client.destroy();
      } catch {
        // already closed
      }
    },
  };
}

/** Run a script by sha, loading it when Redis does not know it. */
export async function runScript(
  client: RedisConnection,
  script: Script,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args];
  try {
    return await client.sendCommand(['EVALSHA', script.sha, ...tail]);
  } catch (err) {
    if (!isNoScript(err)) throw err;
    return client.sendCommand(['EVAL', script.source, ...tail]);
  }
}

/** Logger used when none is given: warnings and errors to stderr, one line each. */
export const stderrLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, fields) =>
    process.stderr.write(
      `troupe redis transport: ${message} ${fields ? JSON.stringify(fields) : ''}\n`,
    ),
  error: (message, fields) =>
    process.stderr.write(
      `troupe redis transport: ${message} ${fields ? JSON.stringify(fields) : ''}\n`,
    ),
};
