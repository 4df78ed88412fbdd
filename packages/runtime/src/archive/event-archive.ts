// The event archive (DESIGN.md §4): every event that enters or is emitted, and every handling
// outcome, persisted via knex (SQLite file by default, PostgreSQL supported) for audit, traces
// and replay. Writes stay off the hot path: `record*` only appends to a bounded in-memory
// buffer; a timer (or a full batch) flushes it in one transaction. When the database cannot
// keep up or is down, the buffer is capped: what does not fit is dropped and counted (never a
// stalled pipeline). Reads flush first, so a trace sees everything recorded before it.
// The watermark (watermark.ts, decision 0007) tells Redis stream trimming what is not written yet.
import knexFactory, { type Knex } from 'knex';
import {
  ErrorCode,
  TroupeError,
  serializeError,
  type CloudEvent,
  type Logger,
  type SerializedError,
} from '@troupe/core';
import type { HandlingOutcome, OutcomeSettlement } from '../pipeline/outcome-hook.js';
import type { DeadLetterReason } from '../transport/contract.js';
import { batchWriter, type BatchWriter, type Row } from './batch-writer.js';
import { archiveTables, migrateArchive, type ArchiveTables } from './schema.js';
import { resolveFile, sqliteConfig } from './sqlite-config.js';
import { WatermarkTracker } from './watermark.js';

export interface EventArchiveOptions {
  /** SQLite file used when neither `knex` nor `config` is given. Default `.troupe/archive.db` (from the cwd). */
  readonly filename?: string;
  /** knex configuration (e.g. `{ client: 'pg', connection }`); the archive owns the instance. */
  readonly config?: Knex.Config;
  /** An existing knex instance (better-sqlite3 or pg); `close()` leaves it open. */
  readonly knex?: Knex;
  /** Table names are `<prefix>_events` and `<prefix>_outcomes`. Default `troupe_archive`. */
  readonly tablePrefix?: string;
  /** Flush the buffer at least this often, in ms. Default 200. */
  readonly flushIntervalMs?: number;
  /** Flush as soon as this many rows are buffered. Default 1,000. */
  readonly batchSize?: number;
  /** Rows buffered at most; more are dropped (counted in `stats().dropped`). Default 100,000. */
  readonly maxBuffered?: number;
  /** Warnings (flush failures, drops) go here. Default: nowhere. */
  readonly log?: Logger;
}

export const EVENT_ARCHIVE_DEFAULTS = {
  filename: '.troupe/archive.db',
  tablePrefix: 'troupe_archive',
  flushIntervalMs: 200,
  batchSize: 1000,
  maxBuffered: 100_000,
} as const;

/** One handling outcome as archived. */
export interface ArchivedOutcome {
  readonly eventId: string;
  readonly correlationId: string;
  readonly agent: string;
  readonly kind: HandlingOutcome['kind'];
  readonly nodeId: string;
  readonly attempt: number;
  readonly durationMs: number;
  readonly settlement: OutcomeSettlement;
  readonly ok: boolean;
  readonly deadLetterReason?: DeadLetterReason;
  readonly error?: SerializedError;
  readonly note?: string;
  /** Epoch ms. */
  readonly at: number;
}

/** Which archived events to read; all given conditions must hold. */
export interface ArchiveQuery {
  readonly ids?: readonly string[];
  readonly correlationId?: string;
  readonly types?: readonly string[];
  /** Event time at or after (epoch ms). */
  readonly from?: number;
  /** Event time at or before (epoch ms). */
  readonly to?: number;
  /** Most events returned (oldest first). Default 10,000. */
  readonly limit?: number;
}

export interface ArchiveStats {
  readonly buffered: number;
  readonly eventsWritten: number;
  readonly outcomesWritten: number;
  readonly dropped: number;
  readonly flushes: number;
  /** Milliseconds spent in database writes (wall time; the SQLite default writes in its own thread). */
  readonly writeMs: number;
  readonly lastError?: string;
}

type EventRow = Row;
type OutcomeRow = Row;

function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `${field} must be an integer >= 1, got ${String(value)}`,
      { retryable: false, data: { field } },
    );
  return value;
}

/** Open an event archive and run its migration. */
export async function createEventArchive(options: EventArchiveOptions = {}): Promise<EventArchive> {
  const d = EVENT_ARCHIVE_DEFAULTS;
  const settings = {
    flushIntervalMs: positiveInt(
      options.flushIntervalMs ?? d.flushIntervalMs,
      'options.flushIntervalMs',
    ),
    batchSize: positiveInt(options.batchSize ?? d.batchSize, 'options.batchSize'),
    maxBuffered: positiveInt(options.maxBuffered ?? d.maxBuffered, 'options.maxBuffered'),
  };
  const tables = archiveTables(options.tablePrefix ?? d.tablePrefix);
  const owned = options.knex === undefined;
  // The SQLite file the archive opens itself gets a writer thread (batch-writer.ts).
  const ownFile =
    options.knex === undefined && options.config === undefined
      ? resolveFile(options.filename ?? d.filename)
      : undefined;
  const db =
    options.knex ?? knexFactory(options.config ?? sqliteConfig(options.filename ?? d.filename));
  try {
    await migrateArchive(db, tables);
  } catch (err) {
    if (owned) await db.destroy();
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `event archive: cannot open the database: ${(err as Error).message}`,
      { retryable: false, cause: err, data: { field: 'options' } },
    );
  }
  return new EventArchive(db, owned, tables, settings, options.log, ownFile);
}

export class EventArchive {
  #events: EventRow[] = [];
  /** Start time (watermark.ts) of the call that appended each buffered event, in step with #events. */
  #eventSince: number[] = [];
  readonly #mark = new WatermarkTracker();
  #outcomes: OutcomeRow[] = [];
  #flushing: Promise<void> | undefined;
  #again = false;
  #closed = false;
  readonly #timer: NodeJS.Timeout;
  #stats = { eventsWritten: 0, outcomesWritten: 0, dropped: 0, flushes: 0, writeMs: 0 };
  #lastError: string | undefined;
  #lastDropWarn = 0;
  readonly #writer: BatchWriter;

  /** Use `createEventArchive`. */
  constructor(
    readonly db: Knex,
    private readonly owned: boolean,
    readonly tables: ArchiveTables,
    private readonly s: { flushIntervalMs: number; batchSize: number; maxBuffered: number },
    private readonly log?: Logger,
    ownFile?: string,
  ) {
    this.#writer = batchWriter(
      db,
      tables,
      String((db.client as { dialect?: string }).dialect),
      ownFile,
    );
    this.#timer = setInterval(() => void this.flush(), s.flushIntervalMs);
    this.#timer.unref();
  }

  get #buffered(): number {
    return this.#events.length + this.#outcomes.length;
  }

  #admit(n: number): boolean {
    if (this.#closed) return false;
    if (this.#buffered + n <= this.s.maxBuffered) return true;
    this.#stats.dropped += n;
    const now = Date.now();
    if (now - this.#lastDropWarn > 5000) {
      this.#lastDropWarn = now;
      this.log?.warn('event archive buffer full: dropping records', {
        dropped: this.#stats.dropped,
        lastError: this.#lastError,
      });
    }
    return false;
  }

  #maybeFlush(): void {
    if (this.#buffered >= this.s.batchSize) void this.flush();
  }

  /**
   * A transport call whose events will be handed to `recordEvents` starts: until `end(at)`, the
   * watermark stays at or below the returned start time. archive-transport.ts brackets every
   * publish, commit and dead-letter with it.
   */
  begin(): number {
    const at = this.#mark.now();
    this.#mark.add(at);
    return at;
  }

  /** The call started at `at` (from `begin`) is over; record its events before calling this. */
  end(at: number): void {
    this.#mark.remove(at);
  }

  /**
   * Buffer events (entered or emitted). Never throws, never waits. `since`: the `begin()` time of
   * the call that appended them (default: now, which protects nothing appended earlier).
   */
  recordEvents(events: readonly CloudEvent[], since?: number): void {
    if (!events.length || !this.#admit(events.length)) return;
    const recordedAt = Date.now();
    const at = since === undefined ? this.#mark.now() : Math.floor(since);
    this.#mark.add(at, events.length);
    for (const e of events) {
      this.#eventSince.push(at);
      this.#events.push({
        id: e.id,
        type: e.type,
        source: e.source,
        correlation_id: e.correlationid,
        causation_id: e.causationid ?? null,
        hops: e.hops,
        time_ms: Date.parse(e.time) || recordedAt,
        recorded_at: recordedAt,
        body: JSON.stringify(e),
      });
    }
    this.#maybeFlush();
  }

  /**
   * The oldest start (ms on this process's performance.now() clock) of a call whose events are
   * not written yet, or undefined when everything handed over is written. Failed writes keep
   * their events counted, so the watermark stops while the database is down; events dropped
   * from a full buffer are not counted (they will never be written). After `close`: undefined.
   */
  unflushedSince(): number | undefined {
    return this.#closed ? undefined : this.#mark.oldest();
  }

  /** Every event handed over by a call that started before this time is written (performance.now() ms). */
  watermark(): number {
    return this.unflushedSince() ?? this.#mark.now();
  }

  /** Buffer one handling outcome. Never throws, never waits. */
  recordOutcome(o: HandlingOutcome): void {
    if (!this.#admit(1)) return;
    this.#outcomes.push({
      event_id: o.event.id,
      correlation_id: o.event.correlationid,
      agent: o.agent,
      kind: o.kind,
      node_id: o.nodeId,
      attempt: o.attempt,
      duration_ms: o.durationMs,
      settlement: o.settlement,
      ok: o.ok,
      dead_letter_reason: o.deadLetterReason ?? null,
      error: o.error ? JSON.stringify(o.error) : null,
      note: o.note ?? null,
      at_ms: o.at,
    });
    this.#maybeFlush();
  }

  /** Write everything buffered so far. Resolves when it is written (or the write failed). */
  flush(): Promise<void> {
    if (this.#flushing) {
      this.#again = true;
      return this.#flushing;
    }
    if (this.#buffered === 0) return Promise.resolve();
    this.#flushing = this.#write().finally(() => {
      this.#flushing = undefined;
      if (this.#again) {
        this.#again = false;
        void this.flush();
      }
    });
    return this.#flushing;
  }

  async #write(): Promise<void> {
    while (this.#buffered > 0) {
      const events = this.#events.splice(0, this.s.batchSize);
      const since = this.#eventSince.splice(0, events.length);
      const outcomes = this.#outcomes.splice(0, this.s.batchSize);
      try {
        const t0 = performance.now();
        await this.#writer.write(events, outcomes);
        this.#stats.writeMs += performance.now() - t0;
        this.#stats.eventsWritten += events.length;
        this.#stats.outcomesWritten += outcomes.length;
        this.#stats.flushes++;
        this.#lastError = undefined;
        this.#mark.removeEach(since);
      } catch (err) {
        // Put them back in front (retried on the next tick), within the buffer cap.
        this.#lastError = (err as Error).message;
        this.log?.warn('event archive flush failed', { error: serializeError(err) });
        const room = Math.max(0, this.s.maxBuffered - this.#buffered);
        const keepEvents = events.slice(0, room);
        const keepOutcomes = outcomes.slice(0, Math.max(0, room - keepEvents.length));
        this.#stats.dropped +=
          events.length - keepEvents.length + outcomes.length - keepOutcomes.length;
        this.#events.unshift(...keepEvents);
        this.#eventSince.unshift(...since.slice(0, keepEvents.length));
        this.#mark.removeEach(since.slice(keepEvents.length));
        this.#outcomes.unshift(...keepOutcomes);
        return;
      }
    }
  }

  stats(): ArchiveStats {
    return {
      buffered: this.#buffered,
      ...this.#stats,
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
    };
  }

  /** Archived events matching `q`, oldest first (by event time, then id). */
  async events(q: ArchiveQuery): Promise<CloudEvent[]> {
    await this.flush();
    let query = this.db(this.tables.events).select('body');
    if (q.ids) query = query.whereIn('id', [...q.ids]);
    if (q.correlationId !== undefined) query = query.where('correlation_id', q.correlationId);
    if (q.types) query = query.whereIn('type', [...q.types]);
    if (q.from !== undefined) query = query.where('time_ms', '>=', q.from);
    if (q.to !== undefined) query = query.where('time_ms', '<=', q.to);
    const rows = (await query
      .orderBy([
        { column: 'time_ms', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(q.limit ?? 10_000)) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as CloudEvent);
  }

  /** Outcomes of one correlation, in the order they were recorded. */
  async outcomes(correlationId: string): Promise<ArchivedOutcome[]> {
    await this.flush();
    const rows = (await this.db(this.tables.outcomes)
      .where('correlation_id', correlationId)
      .orderBy('seq', 'asc')) as Record<string, unknown>[];
    return rows.map(outcomeOf);
  }

  /** Flush what is buffered, stop the timer, and close the database if the archive opened it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#timer);
    await this.flush();
    this.#closed = true;
    await this.#writer.close();
    if (this.owned) await this.db.destroy();
  }
}

function outcomeOf(r: Record<string, unknown>): ArchivedOutcome {
  const error = typeof r.error === 'string' ? (JSON.parse(r.error) as SerializedError) : undefined;
  return {
    eventId: String(r.event_id),
    correlationId: String(r.correlation_id),
    agent: String(r.agent),
    kind: String(r.kind) as HandlingOutcome['kind'],
    nodeId: String(r.node_id),
    attempt: Number(r.attempt),
    durationMs: Number(r.duration_ms),
    settlement: String(r.settlement) as OutcomeSettlement,
    ok: r.ok === true || r.ok === 1 || r.ok === '1',
    ...(typeof r.dead_letter_reason === 'string'
      ? { deadLetterReason: r.dead_letter_reason as DeadLetterReason }
      : {}),
    ...(error ? { error } : {}),
    ...(typeof r.note === 'string' ? { note: r.note } : {}),
    at: Number(r.at_ms),
  };
}
