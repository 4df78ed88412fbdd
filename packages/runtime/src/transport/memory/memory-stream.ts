// One append-only stream of the in-memory transport (one per event type). Entries are kept in
// an array with a moving head; an entry leaves once every group that was subscribed when it
// was appended has settled it (`outstanding` reaches 0), so memory stays bounded by what some
// group still needs, and trimming never drops an unacknowledged entry.
import type { CloudEvent } from '@troupe/core';

export interface StreamEntry {
  /** Position in this stream (1-based, dense). */
  readonly seq: number;
  /** Position across all streams of the transport: merges streams in publish order. */
  readonly gseq: number;
  readonly event: CloudEvent;
  /** Groups that still have to settle (or skip) this entry. */
  outstanding: number;
}

/** Compact the backing array once this many trimmed slots accumulate at its head. */
const COMPACT_AT = 1024;

export class MemoryStream {
  private entries: StreamEntry[] = [];
  private head = 0;
  /** seq of `entries[head]` when the stream is not empty; the next seq otherwise. */
  private firstSeq = 1;
  /** Groups subscribed to this stream (their count is each new entry's `outstanding`). */
  readonly groups = new Set<string>();

  constructor(readonly name: string) {}

  /** Seq the next appended entry gets. */
  get nextSeq(): number {
    return this.firstSeq + (this.entries.length - this.head);
  }

  get retained(): number {
    return this.entries.length - this.head;
  }

  append(event: CloudEvent, gseq: number): StreamEntry {
    const entry: StreamEntry = { seq: this.nextSeq, gseq, event, outstanding: this.groups.size };
    this.entries.push(entry);
    if (entry.outstanding === 0) this.trim();
    return entry;
  }

  /** The retained entry at `seq`, or undefined when it was trimmed or not appended yet. */
  at(seq: number): StreamEntry | undefined {
    if (seq < this.firstSeq) return undefined;
    return this.entries[this.head + (seq - this.firstSeq)];
  }

  /** First retained seq (entries below it are gone). */
  get oldestSeq(): number {
    return this.firstSeq;
  }

  /** One group settled `entry`; drop settled entries from the head. */
  release(entry: StreamEntry): void {
    entry.outstanding--;
    if (entry.outstanding <= 0 && entry.seq === this.firstSeq) this.trim();
  }

  /** A group joining at `fromSeq` must settle every retained entry from there on. */
  retainFor(fromSeq: number): void {
    for (
      let i = Math.max(this.head, this.head + fromSeq - this.firstSeq);
      i < this.entries.length;
      i++
    ) {
      this.entries[i]!.outstanding++;
    }
  }

  /** A group leaving drops its claim on entries from `fromSeq` on. */
  releaseFrom(fromSeq: number): void {
    for (
      let i = Math.max(this.head, this.head + fromSeq - this.firstSeq);
      i < this.entries.length;
      i++
    ) {
      this.entries[i]!.outstanding--;
    }
    this.trim();
  }

  private trim(): void {
    while (this.head < this.entries.length && this.entries[this.head]!.outstanding <= 0) {
      this.head++;
      this.firstSeq++;
    }
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
