// A member of a consumer group on Redis Streams. One XREADGROUP over all of the group's
// streams and its retry stream per read, on a dedicated blocking connection whose timeout
// exceeds the block time. Sources per fetch: own pending entries after a restart (ID 0),
// entries reclaimed from dead consumers (XAUTOCLAIM, throttled), due retries (promoted by a
// script), new entries. Settling is one Lua script each (scripts.ts).
import { ErrorCode, TroupeError, type CloudEvent, type SerializedError } from '@troupe/core';
import type { CommitResult, Consumer, DeadLetterInfo, Delivery } from '../contract.js';
import type { ResolvedConsumerOptions } from '../consumer-options.js';
import { runScript, type RedisConnection } from './connection.js';
import { overBudgetError } from '../over-budget.js';
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RedisConsumer implements Consumer {
  private readonly group: string;
  private readonly name: string;
  private readonly retryName: string;
  private readonly retryKey: string;
  /** Event stream keys, then the retry stream key (the read order of one XREADGROUP). */
  private readonly keys: string[];
  /** Dedupe window and budget (script arguments, fixed per consumer). */
  private readonly windowMs: string;
  private readonly budget: string;
  private readonly budgetWindowMs: string;
  private recovering = true;
  private readonly history = new Map<string, string>();
  private nextReclaimAt = 0;
  private nextPromoteAt = 0;
  private closed = false;
  private failures = 0;
  /** Entries read beyond `max` by a multi-stream read, handed out by the next fetch. */
  private readonly overflow: Delivery[] = [];

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
    this.windowMs = String(Math.max(1, Math.ceil(settings.dedupeWindowMs)));
    this.budget = o.correlationBudget === undefined ? '' : String(o.correlationBudget);
    this.budgetWindowMs = String(Math.max(1, Math.ceil(settings.budgetWindowMs)));
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

  private async readNew(max: number, blockMs: number): Promise<Delivery[]> {
    const args = ['XREADGROUP', 'GROUP', this.group, this.name, 'COUNT', String(max)];
    if (blockMs > 0) args.push('BLOCK', String(blockMs));
    args.push('STREAMS', ...this.keys, ...this.keys.map(() => '>'));
    const raw =
      blockMs > 0
        ? await this.blocking.sendCommand(args, {
            timeout: blockMs + this.settings.blockTimeoutMarginMs,
          })
        : await this.cmd.sendCommand(args);
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
   * Drop (and acknowledge) deliveries whose event id this group already finished: one MGET of
   * their done markers per batch; duplicates (rare) are acknowledged together.
   */
  private async dedupe(batch: Delivery[]): Promise<Delivery[]> {
    if (!batch.length) return batch;
    const marks = (await this.cmd.sendCommand([
      'MGET',
      ...batch.map((d) => this.layout.done(this.group, d.event.id)),
    ])) as (string | null)[];
    const seen = new Set<string>();
    const out: Delivery[] = [];
    const acks: Promise<unknown>[] = [];
    batch.forEach((d, i) => {
      // A done event, or the same event twice in one batch (the first copy's lifecycle covers it).
      if (marks[i] !== null || seen.has(d.event.id)) {
        acks.push(this.cmd.sendCommand(['XACK', this.keyOf(d.stream), this.group, d.entryId]));
        return;
      }
      seen.add(d.event.id);
      out.push(d);
    });
    await Promise.all(acks);
    return out;
  }

  // ---- settle -----------------------------------------------------------------------------

  private emissionArgs(emissions: readonly CloudEvent[]): string[] {
    const out: string[] = [];
    for (const e of emissions) out.push(this.layout.stream(e.type), JSON.stringify(e));
    return out;
  }

  private async settle<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new TroupeError(
        ErrorCode.TransportUnavailable,
        `redis transport: ${op} failed: ${errorMessage(err)}`,
        {
          cause: err,
          data: { op, group: this.group },
        },
      );
    }
  }

  private doneKey(delivery: Delivery): string {
    return this.layout.done(this.group, delivery.event.id);
  }

  async commit(delivery: Delivery, emissions: readonly CloudEvent[]): Promise<CommitResult> {
    const [status, total] = await this.settle(
      'commit',
      async () =>
        (await runScript(
          this.cmd,
          SCRIPTS.commit,
          [
            this.keyOf(delivery.stream),
            this.doneKey(delivery),
            this.layout.corr(delivery.event.correlationid),
          ],
          [
            this.group,
            delivery.entryId,
            this.windowMs,
            this.budget,
            this.budgetWindowMs,
            ...this.emissionArgs(emissions),
          ],
        )) as [number, number],
    );
    if (status === 2)
      throw overBudgetError({
        correlationId: delivery.event.correlationid,
        budget: this.o.correlationBudget ?? 0,
        total: Number(total),
      });
    return status === 1 ? 'committed' : 'duplicate';
  }

  retry(delivery: Delivery, delayMs: number, _error: SerializedError): Promise<void> {
    return this.settle('retry', async () => {
      await runScript(
        this.cmd,
        SCRIPTS.retry,
        [this.keyOf(delivery.stream), this.layout.retryZ(this.group), this.doneKey(delivery)],
        [
          this.group,
          delivery.entryId,
          String(Math.max(0, Math.round(delayMs))),
          String(delivery.attempt + 1),
          JSON.stringify(delivery.event),
        ],
      );
      // Our own retry: wake the promoter no later than its due time.
      this.nextPromoteAt = Math.min(this.nextPromoteAt, Date.now() + Math.max(0, delayMs));
    });
  }

  deadLetter(
    delivery: Delivery,
    info: DeadLetterInfo,
    emissions: readonly CloudEvent[] = [],
  ): Promise<void> {
    return this.settle('deadLetter', async () => {
      await runScript(
        this.cmd,
        SCRIPTS.deadLetter,
        [this.keyOf(delivery.stream), this.layout.dlq(this.group), this.doneKey(delivery)],
        [
          this.group,
          delivery.entryId,
          this.windowMs,
          info.reason,
          this.group,
          delivery.event.type,
          String(info.attempts),
          info.error ? JSON.stringify(info.error) : '',
          JSON.stringify(delivery.event),
          new Date().toISOString(),
          ...this.emissionArgs(emissions),
        ],
      );
    });
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
    return this.settle('heartbeat', async () => {
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
