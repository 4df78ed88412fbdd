// A member of a consumer group on Redis Streams. One XREADGROUP over all of the group's
// streams and its retry stream per read: first without blocking inside the READ script, which
// also drops entries the group already finished (one round trip when entries are waiting);
// when none are, on a dedicated blocking connection. Sources per fetch: own pending entries
// after a restart (ID 0), entries reclaimed from dead consumers (XAUTOCLAIM, throttled), due
// retries (promoted by a script), new entries. Settling is one Lua script each (redis-settle.ts).
import type { CloudEvent, SerializedError } from '@troupe/core';
import type { CommitResult, Consumer, DeadLetterInfo, Delivery } from '../contract.js';
import type { ResolvedConsumerOptions } from '../consumer-options.js';
import { runScript, type RedisConnection } from './connection.js';
import type { KeyLayout } from './keys.js';
import {
  deliveriesOf,
  entriesOf,
  errorMessage,
  isBusyGroup,
  isNoGroup,
  streamsOf,
  type RawEntry,
} from './replies.js';
import { SCRIPTS } from './scripts.js';
import type { ResolvedRedisOptions } from './redis-options.js';
import { Settler } from './redis-settle.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RedisConsumer implements Consumer {
  private readonly group: string;
  private readonly name: string;
  private readonly retryName: string;
  private readonly retryKey: string;
  /** Event stream keys, then the retry stream key (the read order of one XREADGROUP). */
  private readonly keys: string[];
  private readonly settler: Settler;
  private recovering = true;
  private readonly history = new Map<string, string>();
  private nextReclaimAt = 0;
  private nextPromoteAt = 0;
  private closed = false;
  private failures = 0;
  /** Entries read beyond `max` by a multi-stream read, handed out by the next fetch. */
  private readonly overflow: Delivery[] = [];
  /** Deliveries the READ script already checked against the done markers. */
  private readonly checked = new WeakSet<Delivery>();

  constructor(
    private readonly cmd: RedisConnection,
    private readonly blocking: RedisConnection,
    private readonly layout: KeyLayout,
    private readonly o: ResolvedConsumerOptions,
    private readonly settings: ResolvedRedisOptions,
  ) {
    this.group = o.group;
    this.name = o.consumer;
    this.retryName = `retry:${o.group}`;
    this.retryKey = layout.retry(o.group);
    this.keys = [...o.types.map((t) => layout.stream(t)), this.retryKey];
    this.settler = new Settler(cmd, layout, o, settings);
    for (const k of this.keys) this.history.set(k, '0');
  }

  /** XGROUP CREATE … MKSTREAM on every stream (existing groups are left as they are). */
  async ensureGroups(start: 'latest' | 'earliest' | 'recover'): Promise<void> {
    await Promise.all(
      this.keys.map(async (key) => {
        const id = key === this.retryKey || start !== 'latest' ? '0' : '$';
        try {
          await this.cmd.sendCommand(['XGROUP', 'CREATE', key, this.group, id, 'MKSTREAM']);
        } catch (err) {
          if (!isBusyGroup(err)) throw err;
        }
      }),
    );
  }

  private keyOf(stream: string): string {
    return stream === this.retryName ? this.retryKey : this.layout.stream(stream);
  }

  private nameOf(key: string): string {
    return key === this.retryKey ? this.retryName : (this.layout.typeOf(key) ?? key);
  }

  // ---- fetch ------------------------------------------------------------------------------

  async fetch(max: number, blockMs: number): Promise<Delivery[]> {
    if (this.closed || max <= 0) return [];
    try {
      const out = await this.gather(max, Math.max(0, blockMs));
      // COUNT is per stream, so one read over several streams may return more than `max`:
      // those entries are already pending on this consumer; hand them out next time.
      if (out.length > max) this.overflow.push(...out.splice(max));
      this.failures = 0;
      return await this.dedupe(out);
    } catch (err) {
      if (this.closed) return [];
      if (isNoGroup(err)) {
        this.settings.logger.warn(
          'consumer group missing (Redis restarted or flushed?): recreating',
          {
            group: this.group,
          },
        );
        await this.ensureGroups('recover').catch(() => undefined);
        this.recovering = true;
        for (const k of this.keys) this.history.set(k, '0');
        return [];
      }
      // Connection trouble: back off (capped), report nothing, never spin.
      this.failures++;
      const delay = Math.min(
        blockMs,
        100 * 2 ** Math.min(this.failures, 5),
        this.settings.maxReconnectDelayMs,
      );
      this.settings.logger.warn('fetch failed', {
        group: this.group,
        error: errorMessage(err),
        retryInMs: delay,
      });
      await sleep(delay);
      return [];
    }
  }

  private async gather(max: number, blockMs: number): Promise<Delivery[]> {
    const out = this.overflow.splice(0, max);
    if (out.length >= max) return out;
    if (this.recovering) out.push(...(await this.readHistory(max)));
    const deadline = Date.now() + blockMs;
    for (;;) {
      const now = Date.now();
      if (out.length < max && now >= this.nextReclaimAt) {
        this.nextReclaimAt = now + this.settings.reclaimIntervalMs(this.o.visibilityTimeoutMs);
        out.push(...(await this.reclaim(max - out.length)));
      }
      if (out.length < max && now >= this.nextPromoteAt) await this.promote();
      if (out.length >= max) return out;
      const wait = out.length
        ? 0
        : Math.min(
            deadline - Date.now(),
            this.nextPromoteAt - Date.now(),
            this.nextReclaimAt - Date.now(),
            this.settings.maxBlockMs,
          );
      out.push(...(await this.readNew(max - out.length, Math.max(0, Math.floor(wait)))));
      if (out.length || Date.now() >= deadline || this.closed) return out;
    }
  }

  /** After a (re)start: this consumer's own pending entries, oldest first (ID 0 reads). */
  private async readHistory(max: number): Promise<Delivery[]> {
    const ids = this.keys.map((k) => this.history.get(k) ?? '0');
    const raw = await this.cmd.sendCommand([
      'XREADGROUP',
      'GROUP',
      this.group,
      this.name,
      'COUNT',
      String(max),
      'STREAMS',
      ...this.keys,
      ...ids,
    ]);
    const out: Delivery[] = [];
    let any = false;
    const stale: string[] = [];
    for (const { key, entries: all } of streamsOf(raw)) {
      if (!all.length) continue;
      any = true;
      // COUNT applies per stream: keep at most `max` in total, the rest is read next time.
      const entries = all.slice(0, Math.max(0, max - out.length - stale.length));
      if (!entries.length) continue;
      this.history.set(key, entries[entries.length - 1]!.id);
      const counts = deliveriesOf(
        await this.cmd.sendCommand([
          'XPENDING',
          key,
          this.group,
          entries[0]!.id,
          entries[entries.length - 1]!.id,
          String(entries.length),
          this.name,
        ]),
      );
      for (const e of entries) {
        if (!e.fields) {
          stale.push(e.id);
          await this.cmd.sendCommand(['XACK', key, this.group, e.id]);
          continue;
        }
        const d = this.toDelivery(key, e, counts.get(e.id) ?? 1);
        if (d) out.push(d);
      }
    }
    if (stale.length) this.reportStale(stale);
    if (!any) this.recovering = false;
    return out;
  }

  /** XAUTOCLAIM entries idle past the visibility timeout, on every stream (pipelined). */
  private async reclaim(max: number): Promise<Delivery[]> {
    const results = await Promise.all(
      this.keys.map(
        async (key) =>
          [
            key,
            await runScript(
              this.cmd,
              SCRIPTS.reclaim,
              [key],
              [this.group, this.name, String(this.o.visibilityTimeoutMs), String(max)],
            ),
          ] as const,
      ),
    );
    const out: Delivery[] = [];
    const stale: string[] = [];
    for (const [key, raw] of results) {
      const [claimed, deleted] = raw as [unknown[][], unknown[]];
      for (const row of claimed) {
        const d = this.toDelivery(
          key,
          { id: String(row[0]), fields: entriesOf([[row[0], row[2]]])[0]!.fields },
          Number(row[1]),
        );
        if (d) out.push(d);
      }
      for (const id of deleted) stale.push(String(id));
    }
    if (stale.length) this.reportStale(stale);
    return out;
  }

  private reportStale(ids: readonly string[]): void {
    this.settings.onStaleEntries(ids.length);
    this.settings.logger.warn(
      'pending entries whose stream entry was trimmed were acknowledged away (stale-entry)',
      {
        group: this.group,
        consumer: this.name,
        ids,
      },
    );
  }

  /** Move due retries of this group into its retry stream. */
  private async promote(): Promise<void> {
    const [, wait] = (await runScript(
      this.cmd,
      SCRIPTS.promote,
      [this.layout.retryZ(this.group), this.retryKey],
      ['1000'],
    )) as [number, number];
    const poll = this.settings.retryPollMs;
    this.nextPromoteAt = Date.now() + (wait >= 0 ? Math.min(wait + 1, poll) : poll);
  }

  /**
   * New entries: first without blocking, deduped in the same script (one round trip when
   * entries are waiting, the saturated case); when there are none, a blocking read.
   */
  private async readNew(max: number, blockMs: number): Promise<Delivery[]> {
    const ready = await runScript(this.cmd, SCRIPTS.read, this.keys, [
      this.group,
      this.name,
      String(max),
      this.layout.donePrefix(this.group),
    ]);
    if (ready) {
      const [raw, flags] = ready as [unknown, number[]];
      const out: Delivery[] = [];
      let i = 0;
      for (const { key, entries } of streamsOf(raw))
        for (const e of entries) {
          const d = flags[i++] === 1 ? undefined : this.toDelivery(key, e, 1);
          if (!d) continue;
          this.checked.add(d);
          out.push(d);
        }
      return out;
    }
    if (blockMs <= 0) return [];
    const args = ['XREADGROUP', 'GROUP', this.group, this.name, 'COUNT', String(max)];
    args.push('BLOCK', String(blockMs), 'STREAMS', ...this.keys, ...this.keys.map(() => '>'));
    const raw = await this.blocking.sendCommand(args, {
      timeout: blockMs + this.settings.blockTimeoutMarginMs,
    });
    const out: Delivery[] = [];
    for (const { key, entries } of streamsOf(raw)) {
      for (const e of entries) {
        const d = this.toDelivery(key, e, 1);
        if (d) out.push(d);
      }
    }
    return out;
  }

  private toDelivery(key: string, e: RawEntry, deliveries: number): Delivery | undefined {
    const json = e.fields?.e;
    if (json === undefined) return undefined;
    const event = JSON.parse(json) as CloudEvent;
    const base = key === this.retryKey ? Number(e.fields?.a ?? '1') : 1;
    return {
      event,
      stream: this.nameOf(key),
      entryId: e.id,
      attempt: base + Math.max(1, deliveries) - 1,
    };
  }

  /**
   * Drop (and acknowledge) deliveries whose event id this group already finished. Those the
   * READ script did not check (blocking reads, own history, reclaimed) cost one MGET of their
   * done markers per batch; duplicates (rare) are acknowledged together.
   */
  private async dedupe(batch: Delivery[]): Promise<Delivery[]> {
    if (!batch.length) return batch;
    const unchecked = batch.filter((d) => !this.checked.has(d));
    const marks = unchecked.length
      ? ((await this.cmd.sendCommand([
          'MGET',
          ...unchecked.map((d) => this.layout.done(this.group, d.event.id)),
        ])) as (string | null)[])
      : [];
    const done = new Set(unchecked.filter((_, i) => marks[i] !== null));
    const seen = new Set<string>();
    const out: Delivery[] = [];
    const acks: Promise<unknown>[] = [];
    for (const d of batch) {
      // A done event, or the same event twice in one batch (the first copy's lifecycle covers it).
      if (done.has(d) || seen.has(d.event.id)) {
        acks.push(this.cmd.sendCommand(['XACK', this.keyOf(d.stream), this.group, d.entryId]));
        continue;
      }
      seen.add(d.event.id);
      out.push(d);
    }
    await Promise.all(acks);
    return out;
  }

  // ---- settle (scripts in redis-settle.ts) ----------------------------------------------

  commit(delivery: Delivery, emissions: readonly CloudEvent[]): Promise<CommitResult> {
    return this.settler.commit(this.keyOf(delivery.stream), delivery, emissions);
  }

  async retry(delivery: Delivery, delayMs: number, _error: SerializedError): Promise<void> {
    await this.settler.retry(this.keyOf(delivery.stream), delivery, delayMs);
    // Our own retry: wake the promoter no later than its due time.
    this.nextPromoteAt = Math.min(this.nextPromoteAt, Date.now() + Math.max(0, delayMs));
  }

  deadLetter(
    delivery: Delivery,
    info: DeadLetterInfo,
    emissions: readonly CloudEvent[] = [],
  ): Promise<void> {
    return this.settler.deadLetter(this.keyOf(delivery.stream), delivery, info, emissions);
  }

  heartbeat(deliveries: readonly Delivery[]): Promise<void> {
    if (this.closed || !deliveries.length) return Promise.resolve();
    const byKey = new Map<string, string[]>();
    for (const d of deliveries) {
      const key = this.keyOf(d.stream);
      const ids = byKey.get(key);
      if (ids) ids.push(d.entryId);
      else byKey.set(key, [d.entryId]);
    }
    return this.settler.guard('heartbeat', async () => {
      await Promise.all(
        [...byKey].map(([key, ids]) =>
          runScript(this.cmd, SCRIPTS.heartbeat, [key], [this.group, this.name, ...ids]),
        ),
      );
    });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.blocking.destroy(); // interrupts a blocked XREADGROUP; unsettled entries stay pending
    }
    return Promise.resolve();
  }
}
