// The consumer handle of the in-memory transport: validates calls and forwards them to its
// group. A closed consumer fetches nothing; its unsettled entries stay pending and are
// reclaimed by the group's other consumers once their leases lapse.
/* eslint-disable @typescript-eslint/require-await -- the contract is async; this implementation is
   synchronous underneath, and `async` keeps its throws as rejections like every other transport. */
import type { CloudEvent, SerializedError } from '@troupe/core';
import type { CommitResult, Consumer, DeadLetterInfo, Delivery } from '../contract.js';
import type { ConsumerRef, MemoryGroup } from './memory-group.js';

export class MemoryConsumer implements Consumer {
  constructor(
    private readonly group: MemoryGroup,
    private readonly ref: ConsumerRef,
  ) {}

  async fetch(max: number, blockMs: number): Promise<Delivery[]> {
    const ready = this.group.collect(this.ref, max);
    if (ready.length || blockMs <= 0 || this.ref.closed || max <= 0) return ready;
    return this.group.wait(this.ref, max, blockMs);
  }

  async commit(delivery: Delivery, emissions: readonly CloudEvent[]): Promise<CommitResult> {
    return this.group.commit(delivery, emissions, this.ref.correlationBudget);
  }

  async retry(delivery: Delivery, delayMs: number, _error: SerializedError): Promise<void> {
    this.group.retry(delivery, delayMs);
  }

  async deadLetter(
    delivery: Delivery,
    info: DeadLetterInfo,
    emissions: readonly CloudEvent[] = [],
  ): Promise<void> {
    this.group.deadLetter(delivery, info, emissions);
  }

  async heartbeat(deliveries: readonly Delivery[]): Promise<void> {
    if (!this.ref.closed) this.group.heartbeat(this.ref, deliveries);
  }

  async close(): Promise<void> {
    if (this.ref.closed) return;
    this.ref.closed = true;
    this.group.notify(); // wakes this consumer's blocked fetch with []
  }
}
