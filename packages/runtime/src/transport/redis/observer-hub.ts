// Every observation of one Redis transport (waits of `runtime.request`, the admin feed, MCP tool
// calls, `agentctl publish --wait`) shares ONE reader connection: a loop of blocking XREADs over
// the union of the streams currently observed, each entry dispatched to the observations of its
// type. Before, each observation opened its own connection and blocked XREAD: 1,000 concurrent
// waits were 1,000 Redis connections.
//
// The contract (`Transport.observe`): an observation sees every event appended after observe()
// resolved. Registering captures each stream's last id (XREVRANGE … COUNT 1 on the command
// connection); the observation is handed only entries above it. A stream new to the reader joins
// its read set from that id. A blocked reader is interrupted (CLIENT UNBLOCK from the command
// connection) so a new stream is read at once, not after up to `maxBlockMs`. Streams are
// reference-counted and leave the read set when no observation needs them. After a read error
// the reader backs off and resumes from its last ids (the connection reconnects by itself).
import type { CloudEvent, Logger } from '@troupe/core';
import type { Observation } from '../contract.js';
import type { RedisConnection } from './connection.js';
import { entriesOf, errorMessage, streamsOf } from './replies.js';
import { compareStreamIds } from './stream-ids.js';

export interface ObserverHubSettings {
  readonly maxBlockMs: number;
  readonly blockTimeoutMarginMs: number;
  readonly maxReconnectDelayMs: number;
  readonly logger: Logger;
}

/** How the hub gets its reader connection (opened on the first observation). */
export type ReaderFactory = () => Promise<RedisConnection>;

interface Observer {
  open: boolean;
  readonly onEvent: (event: CloudEvent) => void;
  /** Per stream key: only entries above this id are this observer's. */
  readonly from: Map<string, string>;
}

interface Stream {
  /** Last id the reader read (or the id it starts after). */
  cursor: string;
  readonly observers: Set<Observer>;
}

/** One XREAD in flight: its stream keys, and whether a key joined the hub after it was sent. */
interface Read {
  readonly keys: ReadonlySet<string>;
  stale: boolean;
}

const ENTRIES_PER_READ = '500';

export class ObserverHub {
  private readonly streams = new Map<string, Stream>();
  private reader: RedisConnection | undefined;
  private opening: Promise<RedisConnection> | undefined;
  /** CLIENT ID of the reader, as asked with the read in flight. */
  private readerId: string | undefined;
  private inflight: Read | undefined;
  private wake: (() => void) | undefined;
  /** CLIENT UNBLOCK failed once (logged once). */
  private unblockFailed = false;
  private closed = false;

  constructor(
    private readonly cmd: RedisConnection,
    private readonly s: ObserverHubSettings,
    private readonly openReader: ReaderFactory,
  ) {}

  /** Observations currently registered (for tests and diagnostics). */
  get size(): number {
    const all = new Set<Observer>();
    for (const s of this.streams.values()) for (const o of s.observers) all.add(o);
    return all.size;
  }

  /** Keys the reader currently reads. */
  get keys(): readonly string[] {
    return [...this.streams.keys()];
  }

  /** Register `onEvent` for the streams `keys`; resolves once it is armed. */
  async observe(
    keys: readonly string[],
    onEvent: (event: CloudEvent) => void,
  ): Promise<Observation> {
    const unique = [...new Set(keys)];
    await this.ensureReader();
    // Capture every stream's last id first: entries up to it are not this observer's.
    const lasts = await Promise.all(
      unique.map(async (k) => {
        const last = entriesOf(
          await this.cmd.sendCommand(['XREVRANGE', k, '+', '-', 'COUNT', '1']),
        );
        return last[0]?.id ?? '0-0';
      }),
    );
    if (this.closed) throw new Error('observer hub is closed');
    const observer: Observer = { open: true, onEvent, from: new Map() };
    let joined = false;
    unique.forEach((key, i) => {
      const from = lasts[i]!;
      observer.from.set(key, from);
      let stream = this.streams.get(key);
      if (!stream) {
        stream = { cursor: from, observers: new Set() };
        this.streams.set(key, stream);
      }
      stream.observers.add(observer);
      if (!this.inflight?.keys.has(key)) joined = true;
    });
    if (joined) this.interrupt();
    return {
      close: () => {
        this.release(observer);
        return Promise.resolve();
      },
    };
  }

  /** Stop the reader; observations see nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.streams.clear();
    this.wake?.();
    this.reader?.destroy();
  }

  private release(observer: Observer): void {
    if (!observer.open) return;
    observer.open = false;
    for (const key of observer.from.keys()) {
      const stream = this.streams.get(key);
      if (!stream) continue;
      stream.observers.delete(observer);
      // The XREAD in flight may still name it; its entries are then dropped on arrival.
      if (stream.observers.size === 0) this.streams.delete(key);
    }
  }

  private ensureReader(): Promise<RedisConnection> {
    if (this.reader) return Promise.resolve(this.reader);
    this.opening ??= this.openReader().then(
      (conn) => {
        this.opening = undefined;
        if (this.closed) {
          conn.destroy();
          throw new Error('observer hub is closed');
        }
        this.reader = conn;
        void this.loop(conn);
        return conn;
      },
      (err: unknown) => {
        this.opening = undefined; // the next observation tries again
        throw err;
      },
    );
    return this.opening;
  }

  /** A stream joined: make the reader include it now, not after its current block ends. */
  private interrupt(): void {
    if (this.wake) {
      this.wake();
      return;
    }
    const read = this.inflight;
    if (!read || read.stale) return;
    read.stale = true;
    void this.unblock(read);
  }

  /**
   * CLIENT UNBLOCK the reader until the stale read returned: the XREAD may not have reached
   * Redis yet when the unblock does (two connections), so a miss (0) is retried shortly.
   */
  private async unblock(read: Read): Promise<void> {
    for (let tries = 0; this.inflight === read && !this.closed; tries++) {
      const id = this.readerId;
      if (id !== undefined) {
        try {
          if (Number(await this.cmd.sendCommand(['CLIENT', 'UNBLOCK', id])) === 1) return;
        } catch (err) {
          // E.g. an ACL without CLIENT: new streams then wait for the read's end (maxBlockMs).
          if (!this.unblockFailed)
            this.s.logger.warn('observe: cannot interrupt the reader (CLIENT UNBLOCK)', {
              error: errorMessage(err),
            });
          this.unblockFailed = true;
          return;
        }
      }
      await sleep(Math.min(2 ** tries, 50));
    }
  }

  private async loop(conn: RedisConnection): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      if (this.streams.size === 0) {
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
        continue;
      }
      const keys = [...this.streams.keys()];
      const read: Read = { keys: new Set(keys), stale: false };
      try {
        const ids = keys.map((k) => this.streams.get(k)!.cursor);
        this.inflight = read;
        // Sent with the XREAD (same tick, one write): the id of the client that blocks, also
        // after the connection reconnected by itself.
        conn.sendCommand(['CLIENT', 'ID']).then(
          (id) => {
            if (this.inflight === read) this.readerId = String(id);
          },
          () => undefined, // the XREAD fails too and says why
        );
        const raw = await conn.sendCommand(
          [
            'XREAD',
            'COUNT',
            ENTRIES_PER_READ,
            'BLOCK',
            String(this.s.maxBlockMs),
            'STREAMS',
            ...keys,
            ...ids,
          ],
          { timeout: this.s.maxBlockMs + this.s.blockTimeoutMarginMs },
        );
        this.inflight = undefined;
        this.readerId = undefined;
        failures = 0;
        this.dispatch(raw);
      } catch (err) {
        this.inflight = undefined;
        this.readerId = undefined;
        if (this.closed) return;
        failures++;
        this.s.logger.warn('observe read failed', { error: errorMessage(err) });
        await sleep(Math.min(100 * 2 ** Math.min(failures, 5), this.s.maxReconnectDelayMs));
      }
    }
  }

  private dispatch(raw: unknown): void {
    for (const { key, entries } of streamsOf(raw)) {
      for (const e of entries) {
        // Looked up per entry: a callback may close observations (or open new ones).
        const stream = this.streams.get(key);
        if (!stream) break;
        if (compareStreamIds(e.id, stream.cursor) > 0) stream.cursor = e.id;
        if (!e.fields?.e) continue;
        let event: CloudEvent;
        try {
          event = JSON.parse(e.fields.e) as CloudEvent;
        } catch {
          continue; // not written by a transport: nothing to observe
        }
        // A Set iterated while a callback closes observations skips the closed ones.
        for (const o of stream.observers) {
          if (!o.open || compareStreamIds(e.id, o.from.get(key)!) <= 0) continue;
          try {
            o.onEvent(event);
          } catch {
            // One observer's bug must not stop the others.
          }
        }
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
