// The event archive's behaviour, run on SQLite (event-archive.test.ts) and PostgreSQL
// (event-archive-pg.int.test.ts): batching, idempotent event rows, queries by correlation id,
// ids, types and time, outcomes in order, the bounded buffer, flush failures that keep the
// rows, the watermark (held while unwritten or failing, not by dropped rows), close flushing,
// and option validation.
import { createEvent, deriveEvent, ErrorCode, type CloudEvent } from '@troupe/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { HandlingOutcome } from '../pipeline/outcome-hook.js';
import {
  createEventArchive,
  type EventArchive,
  type EventArchiveOptions,
} from './event-archive.js';

export interface ArchiveEnv {
  /** Options selecting the database (filename / config); the same storage on every call. */
  options(): EventArchiveOptions;
  cleanup(): Promise<void>;
}

function outcome(event: CloudEvent, over: Partial<HandlingOutcome> = {}): HandlingOutcome {
  return {
    agent: 'worker',
    kind: 'agent',
    nodeId: 'n1',
    event,
    attempt: 1,
    durationMs: 1.5,
    settlement: 'committed',
    ok: true,
    at: Date.now(),
    ...over,
  };
}

export function eventArchiveCases(name: string, makeEnv: () => Promise<ArchiveEnv>): void {
  describe(`event archive on ${name}`, () => {
    let env: ArchiveEnv | undefined;
    const opened: EventArchive[] = [];
    afterEach(async () => {
      for (const a of opened.splice(0)) await a.close();
      await env?.cleanup();
      env = undefined;
    });

    async function open(extra: EventArchiveOptions = {}): Promise<EventArchive> {
      env ??= await makeEnv();
      const a = await createEventArchive({ ...env.options(), flushIntervalMs: 50, ...extra });
      opened.push(a);
      return a;
    }

    it('records events once per id and finds them by correlation, ids, types and time', async () => {
      const a = await open();
      const start = createEvent({ type: 'Start', data: { n: 1 }, now: () => 1_000 });
      const mid = deriveEvent(start, {
        agent: 'w',
        index: 0,
        type: 'Mid',
        data: 2,
        now: () => 2_000,
      });
      const other = createEvent({ type: 'Start', data: null, now: () => 3_000 });
      a.recordEvents([start, mid]);
      a.recordEvents([mid, other]); // a redelivered emission: stored once
      expect(await a.events({ correlationId: start.correlationid })).toEqual([start, mid]);
      expect(await a.events({ ids: [other.id, mid.id] })).toEqual([mid, other]);
      expect((await a.events({ types: ['Start'], from: 0 })).map((e) => e.id)).toEqual([
        start.id,
        other.id,
      ]);
      expect((await a.events({ from: 1_500, to: 2_500 })).map((e) => e.id)).toEqual([mid.id]);
      expect(await a.events({ correlationId: 'none' })).toEqual([]);
      expect(a.stats()).toMatchObject({ buffered: 0, dropped: 0 });
    });

    it('records outcomes with errors and dead-letter reasons, in order', async () => {
      const a = await open();
      const e = createEvent({ type: 'Job', data: null });
      const error = {
        name: 'Error',
        code: 'HANDLER_FAILED',
        message: 'boom',
        retryable: true,
        data: {},
      };
      a.recordOutcome(outcome(e, { settlement: 'retried', ok: false, error }));
      a.recordOutcome(
        outcome(e, {
          attempt: 2,
          settlement: 'dead-lettered',
          ok: false,
          error,
          deadLetterReason: 'retries-exhausted',
          note: 'gave up',
        }),
      );
      const got = await a.outcomes(e.correlationid);
      expect(got).toHaveLength(2);
      expect(got[0]).toMatchObject({
        eventId: e.id,
        attempt: 1,
        settlement: 'retried',
        ok: false,
        error,
      });
      expect(got[1]).toMatchObject({
        attempt: 2,
        settlement: 'dead-lettered',
        deadLetterReason: 'retries-exhausted',
        note: 'gave up',
        durationMs: 1.5,
        agent: 'worker',
        kind: 'agent',
        nodeId: 'n1',
      });
    });

    it('writes in batches off the caller: record returns at once, the timer flushes', async () => {
      const a = await open({ flushIntervalMs: 30, batchSize: 10_000 });
      const events = Array.from({ length: 500 }, (_, i) => createEvent({ type: 'Bulk', data: i }));
      const t0 = performance.now();
      a.recordEvents(events);
      expect(performance.now() - t0).toBeLessThan(50);
      expect(a.stats().buffered).toBe(500);
      const deadline = Date.now() + 5000;
      while (a.stats().eventsWritten < 500 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(a.stats()).toMatchObject({ buffered: 0, eventsWritten: 500 });
      expect(a.stats().flushes).toBeLessThanOrEqual(2);
    });

    it('drops (and counts) what does not fit the bounded buffer', async () => {
      const a = await open({ maxBuffered: 10, batchSize: 1000, flushIntervalMs: 60_000 });
      a.recordEvents(Array.from({ length: 8 }, () => createEvent({ type: 'X', data: null })));
      a.recordEvents(Array.from({ length: 5 }, () => createEvent({ type: 'X', data: null })));
      expect(a.stats()).toMatchObject({ buffered: 8, dropped: 5 });
      await a.flush();
      expect(a.stats()).toMatchObject({ buffered: 0, eventsWritten: 8 });
    });

    it('keeps the rows when a flush fails and writes them once the database is back', async () => {
      const a = await open({ flushIntervalMs: 60_000 });
      await a.db.schema.renameTable(a.tables.events, 'moved_away');
      const e = createEvent({ type: 'Y', data: null });
      a.recordEvents([e]);
      await a.flush();
      expect(a.stats().buffered).toBe(1);
      expect(a.stats().lastError).toBeDefined();
      await a.db.schema.renameTable('moved_away', a.tables.events);
      await a.flush();
      expect(a.stats()).toMatchObject({ buffered: 0, eventsWritten: 1 });
      expect(await a.events({ ids: [e.id] })).toEqual([e]);
    });

    it('holds its watermark at the oldest unwritten call, also while writes fail', async () => {
      const a = await open({ flushIntervalMs: 60_000 });
      expect(a.unflushedSince()).toBeUndefined();
      expect(a.watermark()).toBeGreaterThanOrEqual(Math.floor(performance.now()) - 1);
      const first = a.begin(); // a publish in flight: nothing recorded yet
      expect(a.unflushedSince()).toBe(first);
      await new Promise((r) => setTimeout(r, 5));
      const e1 = createEvent({ type: 'W', data: 1 });
      a.recordEvents([e1], first);
      a.end(first);
      const second = a.begin();
      a.recordEvents([createEvent({ type: 'W', data: 2 })], second);
      a.end(second);
      expect(second).toBeGreaterThan(first);
      expect(a.unflushedSince()).toBe(first);
      await a.db.schema.renameTable(a.tables.events, 'moved_away');
      await a.flush();
      expect(a.stats().lastError).toBeDefined();
      expect(a.unflushedSince()).toBe(first); // the database is down: the watermark stops
      expect(a.watermark()).toBe(first);
      await a.db.schema.renameTable('moved_away', a.tables.events);
      await a.flush();
      expect(a.stats()).toMatchObject({ buffered: 0, eventsWritten: 2 });
      expect(a.unflushedSince()).toBeUndefined();
      expect(a.watermark()).toBeGreaterThanOrEqual(second);
    });

    it('events dropped from a full buffer no longer hold the watermark', async () => {
      const a = await open({ flushIntervalMs: 60_000, maxBuffered: 3 });
      const old = a.begin();
      a.recordEvents([createEvent({ type: 'D', data: 0 })], old);
      a.end(old);
      await new Promise((r) => setTimeout(r, 5));
      await a.db.schema.renameTable(a.tables.events, 'moved_away');
      const failing = a.flush(); // takes the old event out of the buffer, then fails
      const newer = a.begin();
      a.recordEvents(
        Array.from({ length: 3 }, (_, i) => createEvent({ type: 'D', data: i + 1 })),
        newer,
      );
      a.end(newer);
      await failing;
      // No room to put the old event back: dropped, counted, and no longer waited for.
      expect(a.stats()).toMatchObject({ buffered: 3, dropped: 1 });
      expect(a.unflushedSince()).toBe(newer);
      const late = a.begin();
      a.recordEvents([createEvent({ type: 'D', data: 9 })], late); // full: dropped at once
      a.end(late);
      expect(a.unflushedSince()).toBe(newer);
      await a.db.schema.renameTable('moved_away', a.tables.events);
      await a.flush();
      expect(a.unflushedSince()).toBeUndefined();
    });

    it('close flushes what is buffered; a reopened archive reads it', async () => {
      const a = await open({ flushIntervalMs: 60_000 });
      const e = createEvent({ type: 'Z', data: { keep: true } });
      a.recordEvents([e]);
      await a.close();
      a.recordEvents([createEvent({ type: 'Z', data: null })]); // after close: ignored
      const b = await open();
      expect(await b.events({ types: ['Z'] })).toEqual([e]);
    });

    it('refuses bad options naming the field', async () => {
      env ??= await makeEnv();
      for (const [o, field] of [
        [{ flushIntervalMs: 0 }, 'options.flushIntervalMs'],
        [{ batchSize: 1.5 }, 'options.batchSize'],
        [{ maxBuffered: -1 }, 'options.maxBuffered'],
        [{ tablePrefix: 'bad-name' }, 'options.tablePrefix'],
      ] as const)
        await expect(createEventArchive({ ...env.options(), ...o })).rejects.toMatchObject({
          code: ErrorCode.InvalidOption,
          data: { field },
        });
    });
  });
}
