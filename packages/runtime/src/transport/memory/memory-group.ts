// One consumer group of the in-memory transport: a cursor per stream, the pending map with
// leases, delayed retries, dead letters and the dedupe window. All delivery decisions live
// here so the consumer object stays a thin handle; the transport owns streams and routing.
import type { CloudEvent, SerializedError } from '@troupe/core';
import type { CommitResult, DeadLetter, DeadLetterInfo, Delivery } from '../contract.js';
import { overBudgetError } from '../over-budget.js';
import { DedupeWindow } from './dedupe-window.js';
import type { MemoryStream, StreamEntry } from './memory-stream.js';

/** A consumer instance as the group sees it. */
export interface ConsumerRef {
  readonly name: string;
  /** Unique per consumer object: a restarted consumer with the same name is a new instance. */
  readonly instance: number;
  readonly visibilityTimeoutMs: number;
  /** Commits are counted against their correlation and refused past this (undefined: not counted). */
  readonly correlationBudget: number | undefined;
  closed: boolean;
  /** First fetch still has to take over this name's pending entries from a previous instance. */
  adoptPending: boolean;
}

interface Pending {
  readonly key: string;
  readonly stream: string;
  readonly entryId: string;
  readonly event: CloudEvent;
  /** The stream entry to release on settle (undefined for retry entries). */
  readonly entry: StreamEntry | undefined;
  readonly source: MemoryStream | undefined;
  /** Attempt of the first delivery of this entry (1, or the attempt a retry carries). */
  readonly baseAttempt: number;
  deliveries: number;
  owner: ConsumerRef;
  leaseExpiresAt: number;
}

interface RetryEntry {
  readonly entryId: string;
  readonly event: CloudEvent;
  readonly attempt: number;
  readonly dueAt: number;
}

interface Waiter {
  readonly consumer: ConsumerRef;
  readonly max: number;
  readonly resolve: (deliveries: Delivery[]) => void;
}

export interface GroupHooks {
  /** Append system events (commit / dead-letter emissions) to their streams. */
  append(events: readonly CloudEvent[]): void;
  /** Add `n` to a correlation's count (the transport's `countCorrelation`); the new total. */
  count(correlationId: string, n: number): number;
  now(): number;
}

const keyOf = (stream: string, entryId: string): string => `${stream}\u0000${entryId}`;

export class MemoryGroup {
  /** Next seq to deliver, per subscribed stream. */
  readonly cursors = new Map<MemoryStream, number>();
  private readonly pending = new Map<string, Pending>();
  /** Event ids currently pending (a second copy arriving meanwhile is skipped). */
  private readonly inflight = new Map<string, number>();
  private readonly done: DedupeWindow;
  private scheduled: RetryEntry[] = [];
  private readonly letters = new Map<string, DeadLetter>();
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  /** No lease expires before this (a lower bound; rescanned when reached). */
  private nextLeaseExpiry = Infinity;
  private retrySeq = 0;
  private letterSeq = 0;
  readonly retryStream: string;

  constructor(
    readonly name: string,
    dedupeWindowMs: number,
    maxRemembered: number,
    private readonly hooks: GroupHooks,
  ) {
    this.done = new DedupeWindow(dedupeWindowMs, () => hooks.now(), maxRemembered);
    this.retryStream = `retry:${name}`;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get deadLetterCount(): number {
    return this.letters.size;
  }

  /** Entries appended to `streams` (and due or scheduled retries) not yet delivered. */
  lag(streams: readonly MemoryStream[]): number {
    let lag = this.scheduled.length;
    for (const s of streams) {
      const cursor = this.cursors.get(s);
      if (cursor !== undefined) lag += s.nextSeq - Math.max(cursor, s.oldestSeq);
    }
    return lag;
  }

  // ---- fetching -------------------------------------------------------------------------

  /** Up to `max` deliveries for `consumer`, without waiting. */
  collect(consumer: ConsumerRef, max: number): Delivery[] {
    const out: Delivery[] = [];
    if (consumer.closed || max <= 0) return out;
    const now = this.hooks.now();
    if (consumer.adoptPending) {
      consumer.adoptPending = false;
      for (const p of this.pending.values()) {
        if (out.length >= max) break;
        if (p.owner.name === consumer.name && p.owner.instance !== consumer.instance)
          this.redeliver(p, consumer, now, out);
      }
    }
    if (out.length < max && now >= this.nextLeaseExpiry)
      this.reclaimExpired(consumer, now, max, out);
    if (out.length < max && this.scheduled.length && this.scheduled[0]!.dueAt <= now)
      this.takeRetries(consumer, now, max, out);
    if (out.length < max) this.takeNew(consumer, now, max, out);
    return out;
  }

  private redeliver(p: Pending, consumer: ConsumerRef, now: number, out: Delivery[]): void {
    if (this.done.has(p.event.id)) {
      this.settle(p);
      return;
    }
    p.deliveries++;
    p.owner = consumer;
    p.leaseExpiresAt = now + consumer.visibilityTimeoutMs;
    if (p.leaseExpiresAt < this.nextLeaseExpiry) this.nextLeaseExpiry = p.leaseExpiresAt;
    out.push(this.deliveryOf(p));
  }

  private reclaimExpired(consumer: ConsumerRef, now: number, max: number, out: Delivery[]): void {
    this.nextLeaseExpiry = Infinity;
    for (const p of this.pending.values()) {
      // redeliver() lowers nextLeaseExpiry to the fresh lease it grants.
      if (p.leaseExpiresAt <= now && out.length < max) this.redeliver(p, consumer, now, out);
      else if (p.leaseExpiresAt < this.nextLeaseExpiry) this.nextLeaseExpiry = p.leaseExpiresAt;
    }
  }

  private takeRetries(consumer: ConsumerRef, now: number, max: number, out: Delivery[]): void {
    let i = 0;
    while (i < this.scheduled.length && out.length < max && this.scheduled[i]!.dueAt <= now) {
      const r = this.scheduled[i++]!;
      if (this.isDuplicate(r.event.id)) continue;
      this.open(
        this.retryStream,
        r.entryId,
        r.event,
        undefined,
        undefined,
        r.attempt,
        consumer,
        now,
        out,
      );
    }
    this.scheduled = this.scheduled.slice(i);
  }

  private takeNew(consumer: ConsumerRef, now: number, max: number, out: Delivery[]): void {
    for (;;) {
      // Merge the group's streams in publish order (smallest global sequence first).
      let best: MemoryStream | undefined;
      let bestEntry: StreamEntry | undefined;
      for (const [stream, cursor] of this.cursors) {
        const entry = stream.at(Math.max(cursor, stream.oldestSeq));
        if (entry && (!bestEntry || entry.gseq < bestEntry.gseq)) {
          best = stream;
          bestEntry = entry;
        }
      }
      if (!best || !bestEntry) return;
      this.cursors.set(best, bestEntry.seq + 1);
      if (this.isDuplicate(bestEntry.event.id)) {
        best.release(bestEntry);
        continue;
      }
      this.open(
        best.name,
        String(bestEntry.seq),
        bestEntry.event,
        bestEntry,
        best,
        1,
        consumer,
        now,
        out,
      );
      if (out.length >= max) return;
    }
  }

  private isDuplicate(id: string): boolean {
    return this.inflight.has(id) || this.done.has(id);
  }

  private open(
    stream: string,
    entryId: string,
    event: CloudEvent,
    entry: StreamEntry | undefined,
    source: MemoryStream | undefined,
    baseAttempt: number,
    consumer: ConsumerRef,
    now: number,
    out: Delivery[],
  ): void {
    const key = keyOf(stream, entryId);
    const leaseExpiresAt = now + consumer.visibilityTimeoutMs;
    const p: Pending = {
      key,
      stream,
      entryId,
      event,
      entry,
      source,
      baseAttempt,
      deliveries: 1,
      owner: consumer,
      leaseExpiresAt,
    };
    this.pending.set(key, p);
    this.inflight.set(event.id, (this.inflight.get(event.id) ?? 0) + 1);
    if (leaseExpiresAt < this.nextLeaseExpiry) this.nextLeaseExpiry = leaseExpiresAt;
    out.push(this.deliveryOf(p));
  }

  private deliveryOf(p: Pending): Delivery {
    return {
      event: p.event,
      stream: p.stream,
      entryId: p.entryId,
      attempt: p.baseAttempt + p.deliveries - 1,
    };
  }

  /** Wait for deliveries up to `blockMs`; resolves early as soon as any is ready. */
  wait(consumer: ConsumerRef, max: number, blockMs: number): Promise<Delivery[]> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        consumer,
        max,
        resolve: (deliveries) => {
          clearTimeout(timeout);
          this.waiters.delete(waiter);
          resolve(deliveries);
        },
      };
      const timeout = setTimeout(() => waiter.resolve([]), blockMs);
      this.waiters.add(waiter);
      this.armTimer();
    });
  }

  /** Something became deliverable (publish, retry due, lease lapse, redrive, close). */
  notify(): void {
    if (this.waiters.size === 0) return;
    for (const w of this.waiters) {
      if (w.consumer.closed) {
        w.resolve([]);
        continue;
      }
      const got = this.collect(w.consumer, w.max);
      if (got.length) w.resolve(got);
    }
    this.armTimer();
  }

  /** One timer per group, for the next retry due time or lease expiry, only while someone waits. */
  private armTimer(): void {
    if (this.waiters.size === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    // nextLeaseExpiry is a lower bound: at worst the timer fires early once and rescans.
    let at = this.nextLeaseExpiry;
    if (this.scheduled.length && this.scheduled[0]!.dueAt < at) at = this.scheduled[0]!.dueAt;
    if (at === Infinity || (this.timer && at >= this.timerAt)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.notify();
      },
      Math.max(0, at - this.hooks.now()) + 1,
    );
  }

  // ---- settling -------------------------------------------------------------------------

  private settle(p: Pending): void {
    if (!this.pending.delete(p.key)) return;
    const n = (this.inflight.get(p.event.id) ?? 1) - 1;
    if (n <= 0) this.inflight.delete(p.event.id);
    else this.inflight.set(p.event.id, n);
    if (p.entry && p.source) p.source.release(p.entry);
  }

  private settleDelivery(delivery: Delivery): void {
    const p = this.pending.get(keyOf(delivery.stream, delivery.entryId));
    if (p) this.settle(p);
  }

  commit(
    delivery: Delivery,
    emissions: readonly CloudEvent[],
    budget: number | undefined,
  ): CommitResult {
    if (this.done.has(delivery.event.id)) {
      this.settleDelivery(delivery);
      return 'duplicate';
    }
    if (budget !== undefined && emissions.length) {
      const correlationId = delivery.event.correlationid;
      const total = this.hooks.count(correlationId, emissions.length);
      if (total > budget) throw overBudgetError({ correlationId, budget, total });
    }
    this.done.add(delivery.event.id);
    this.settleDelivery(delivery);
    if (emissions.length) this.hooks.append(emissions);
    return 'committed';
  }

  retry(delivery: Delivery, delayMs: number): void {
    if (this.done.has(delivery.event.id)) {
      this.settleDelivery(delivery);
      return;
    }
    this.settleDelivery(delivery);
    this.schedule(delivery.event, delivery.attempt + 1, this.hooks.now() + Math.max(0, delayMs));
  }

  private schedule(event: CloudEvent, attempt: number, dueAt: number): void {
    const r: RetryEntry = { entryId: String(++this.retrySeq), event, attempt, dueAt };
    // Sorted by due time, FIFO among equal times (binary search for the insertion point).
    let lo = 0;
    let hi = this.scheduled.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.scheduled[mid]!.dueAt <= dueAt) lo = mid + 1;
      else hi = mid;
    }
    this.scheduled.splice(lo, 0, r);
    if (dueAt <= this.hooks.now()) this.notify();
    else this.armTimer();
  }

  deadLetter(delivery: Delivery, info: DeadLetterInfo, emissions: readonly CloudEvent[]): void {
    if (this.done.has(delivery.event.id)) {
      this.settleDelivery(delivery);
      return;
    }
    this.done.add(delivery.event.id);
    this.settleDelivery(delivery);
    const id = String(++this.letterSeq);
    const letter: DeadLetter = {
      id,
      agent: this.name,
      sourceStream: delivery.event.type,
      reason: info.reason,
      attempts: info.attempts,
      ...(info.error ? { error: info.error satisfies SerializedError } : {}),
      event: delivery.event,
      failedAt: new Date(this.hooks.now()).toISOString(),
    };
    this.letters.set(id, letter);
    if (emissions.length) this.hooks.append(emissions);
  }

  heartbeat(consumer: ConsumerRef, deliveries: readonly Delivery[]): void {
    const leaseExpiresAt = this.hooks.now() + consumer.visibilityTimeoutMs;
    for (const d of deliveries) {
      const p = this.pending.get(keyOf(d.stream, d.entryId));
      // Only the current owner renews: a zombie must not keep an entry it already lost.
      if (p && p.owner === consumer) p.leaseExpiresAt = leaseExpiresAt;
    }
  }

  // ---- dead letters ----------------------------------------------------------------------

  deadLetters(limit: number): DeadLetter[] {
    const out: DeadLetter[] = [];
    for (const l of this.letters.values()) {
      if (out.length >= limit) break;
      out.push(l);
    }
    return out;
  }

  redrive(ids?: readonly string[]): number {
    const chosen = ids
      ? ids.map((id) => this.letters.get(id)).filter((l) => l !== undefined)
      : [...this.letters.values()];
    const now = this.hooks.now();
    for (const l of chosen) {
      this.letters.delete(l.id);
      this.done.delete(l.event.id);
      this.schedule(l.event, 1, now);
    }
    return chosen.length;
  }

  /** Clear the done markers of `events` and schedule them now, attempt 1 (archive replay). */
  replay(events: readonly CloudEvent[]): number {
    const now = this.hooks.now();
    for (const e of events) {
      this.done.delete(e.id);
      this.schedule(e, 1, now);
    }
    return events.length;
  }

  purge(ids?: readonly string[]): number {
    if (!ids) {
      const n = this.letters.size;
      this.letters.clear();
      return n;
    }
    let n = 0;
    for (const id of ids) if (this.letters.delete(id)) n++;
    return n;
  }

  close(): void {
    for (const w of this.waiters) w.resolve([]);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
