// Connections of the Redis transport (DESIGN.md §7, ecosystem-anchors §0.1): node-redis v6
// pinned to RESP2 (the reply shapes parsed in replies.ts), reconnecting with capped exponential
// backoff (no busy loop, no crash), and an EVALSHA runner that loads a script on NOSCRIPT
// (a restarted Redis forgets its script cache).
//
// Command timeouts: node-redis' per-command `timeout` costs an AbortSignal.timeout, a listener
// and a weak ref per command (~19 % of the main thread at saturation) and only covers commands
// not yet written to the socket. Instead, one watchdog timer per connection checks that replies
// keep coming: when commands are outstanding and none was answered for `commandTimeoutMs`
// (Redis hung, or down for that long with commands queued offline), the client is dropped —
// its outstanding commands reject, unwritten ones are never sent — and a new one connects.
import type { Logger } from '@troupe/core';
import { createClient } from 'redis';
import { errorMessage, isNoScript } from './replies.js';
import type { Script } from './scripts.js';

/** The few client operations the transport uses (keeps node-redis' generic types out). */
export interface RedisConnection {
  /**
   * Send one command. `timeout`: this command may legitimately go unanswered that long (a
   * blocking read); the connection is not declared stalled before it passed.
   */
  sendCommand(args: readonly string[], options?: { timeout?: number }): Promise<unknown>;
  /** Drop the socket now; commands in flight (a blocking read) reject. */
  destroy(): void;
}

export interface ConnectionSettings {
  readonly url: string;
  /** Upper bound of the reconnect backoff. */
  readonly maxReconnectDelayMs: number;
  /** Outstanding commands with no reply for this long reset the connection. */
  readonly commandTimeoutMs: number;
  readonly logger: Logger;
  readonly name: string;
}

/** The node-redis client surface used here. */
interface Client {
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  destroy(): void;
}

/** A connected RESP2 client; errors are logged (rate-limited), never thrown at the process. */
export async function connect(settings: ConnectionSettings): Promise<RedisConnection> {
  const conn = new WatchedConnection(settings);
  await conn.start();
  return conn;
}

class WatchedConnection implements RedisConnection {
  private client: Client;
  /** Whether a client of this connection was ever ready (then reconnect for ever). */
  private ready = false;
  private lastLog = 0;
  private outstanding = 0;
  /** Time of the last reply, or of the send that made `outstanding` non-zero. */
  private lastProgress = 0;
  /** A blocking command may stay unanswered until then. */
  private quietUntil = 0;
  private lastTick = Date.now();
  /** Bumped by every reset: commands of an older client fail as timed out. */
  private generation = 0;
  private readonly tickMs: number;
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly s: ConnectionSettings) {
    this.client = this.create();
    this.tickMs = Math.min(1000, Math.max(50, Math.floor(s.commandTimeoutMs / 4)));
    this.watchdog = setInterval(() => this.check(), this.tickMs);
    this.watchdog.unref();
  }

  async start(): Promise<void> {
    try {
      await this.client.connect();
    } catch (err) {
      clearInterval(this.watchdog);
      throw err;
    }
    this.ready = true;
  }

  private create(): Client {
    const s = this.s;
    const client = createClient({
      url: s.url,
      RESP: 2,
      name: s.name,
      // No per-command timer (node-redis 6 defaults to 5000 ms); the watchdog covers stalls.
      commandOptions: { timeout: 0 },
      socket: {
        connectTimeout: Math.min(10_000, s.commandTimeoutMs),
        // The first connection fails fast (a wrong URL should not hang startup); once connected,
        // reconnect forever with capped exponential backoff.
        reconnectStrategy: (retries, cause) =>
          !this.ready && retries >= 2
            ? new Error(`cannot connect to ${s.url}: ${cause.message}`)
            : Math.min(50 * 2 ** Math.min(retries, 10), s.maxReconnectDelayMs),
      },
    });
    client.on('error', (err: unknown) => this.warn('redis connection error (reconnecting)', err));
    return client;
  }

  private warn(message: string, err: unknown): void {
    const now = Date.now();
    if (now - this.lastLog < 5000) return;
    this.lastLog = now;
    this.s.logger.warn(message, { connection: this.s.name, error: errorMessage(err) });
  }

  sendCommand(args: readonly string[], options?: { timeout?: number }): Promise<unknown> {
    const now = Date.now();
    if (this.outstanding++ === 0) this.lastProgress = now;
    if (options?.timeout !== undefined)
      this.quietUntil = Math.max(this.quietUntil, now + options.timeout);
    const generation = this.generation;
    return this.client.sendCommand(args as string[]).then(
      (reply) => {
        this.settled();
        return reply;
      },
      (err: unknown) => {
        this.settled();
        throw generation === this.generation ? err : this.timeoutError();
      },
    );
  }

  private settled(): void {
    this.outstanding--;
    this.lastProgress = Date.now();
  }

  private timeoutError(): Error {
    return new Error(
      `redis command timed out: no reply for ${this.s.commandTimeoutMs} ms (connection reset)`,
    );
  }

  private check(): void {
    const now = Date.now();
    // A late tick means the event loop was blocked: replies may be waiting unread. Look again
    // on the next tick, after I/O had its turn.
    const late = now - this.lastTick > this.tickMs * 3;
    this.lastTick = now;
    if (late || this.outstanding === 0 || now < this.quietUntil) return;
    if (now - this.lastProgress < this.s.commandTimeoutMs) return;
    this.reset();
  }

  /** Drop the stalled client (its commands reject) and connect a new one. */
  private reset(): void {
    this.s.logger.warn('redis connection stalled: resetting it', {
      connection: this.s.name,
      outstanding: this.outstanding,
      waitedMs: Date.now() - this.lastProgress,
    });
    this.generation++;
    const stalled = this.client;
    this.client = this.create();
    this.lastProgress = Date.now();
    this.quietUntil = 0;
    this.client.connect().catch((err: unknown) => this.warn('redis reconnect failed', err));
    try {
      stalled.destroy();
    } catch {
      // already closed
    }
  }

  destroy(): void {
    clearInterval(this.watchdog);
    try {
      this.client.destroy();
    } catch {
      // already closed
    }
  }
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
