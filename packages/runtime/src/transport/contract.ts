// The transport contract: how events move between agents. Two implementations (in-memory, the
// embedded default; Redis Streams, the engine beyond one process) run one conformance suite
// (`conformance.ts`). Each method documents its ack, redelivery and ordering semantics; a
// transport that cannot keep one declares it in `features` instead of skipping tests by hand.
import type { CloudEvent, SerializedError } from '@troupe/core';

/** What a transport guarantees beyond the common contract. */
export interface TransportFeatures {
  /** Events and consumer state survive the process (Redis: yes; memory: no). */
  readonly durable: boolean;
  /** Several processes may share one consumer group (horizontal scale-out). */
  readonly multiProcess: boolean;
}

/** Why an event went to a dead-letter stream. Stable strings: tools match on them. */
export type DeadLetterReason =
  | 'retries-exhausted'
  | 'non-retryable'
  | 'schema'
  | 'hop-limit'
  | 'budget'
  | 'oversized'
  | 'undeclared-emission'
  | 'handler-load'
  | 'stale-entry';

/** Keys of a dead-letter entry (exported so tools never spell them by hand). */
export const DEAD_LETTER_FIELDS = [
  'reason',
  'agent',
  'sourceStream',
  'attempts',
  'error',
  'event',
  'failedAt',
] as const;

export interface DeadLetterInfo {
  reason: DeadLetterReason;
  /** Attempts made (0 when dead-lettered before any handler ran). */
  attempts: number;
  error?: SerializedError;
}

/** One dead letter as stored. `event` is the original envelope, intact and replayable. */
export interface DeadLetter {
  /** Transport-specific id of the dead-letter entry (for replay / purge of one). */
  readonly id: string;
  readonly agent: string;
  /** Event type (= stream) the event was consumed from. */
  readonly sourceStream: string;
  readonly reason: DeadLetterReason;
  readonly attempts: number;
  readonly error?: SerializedError;
  readonly event: CloudEvent;
  /** RFC 3339. */
  readonly failedAt: string;
}

/** One event handed to a consumer. Until committed, retried or dead-lettered it stays pending. */
export interface Delivery {
  readonly event: CloudEvent;
  /** The stream (event type, or the group's retry stream) the entry came from. */
  readonly stream: string;
  /** Transport-specific entry id; unique within `stream`. */
  readonly entryId: string;
  /**
   * 1-based attempt number of this handling. Counts every earlier delivery of the same event to
   * this group, including ones whose consumer crashed before reporting (so an event that kills
   * the process cannot crash-loop forever).
   */
  readonly attempt: number;
}

export interface ConsumerOptions {
  /** Consumer group: the agent name. One group per (agent, stream). */
  readonly group: string;
  /** Event types to read; the group reads all of them (and its own retry stream) in one call. */
  readonly types: readonly string[];
  /** Consumer name inside the group: the runtime node id. */
  readonly consumer: string;
  /**
   * Entries pending longer than this on a consumer that no longer heartbeats them are
   * reclaimed by other consumers of the group. Must exceed the heartbeat interval.
   */
  readonly visibilityTimeoutMs: number;
  /**
   * Where a group that does not exist yet starts on each stream: `latest` (only events appended
   * after it joins, like Kafka's default) or `earliest` (every event the stream still retains).
   * Ignored for a group that already exists. Default `latest`.
   */
  readonly startFrom?: 'latest' | 'earliest';
  /**
   * Per-correlation budget against event storms: a commit with emissions adds their number to
   * the count of the input's correlation id (the count `countCorrelation` keeps) in the same
   * atomic step, and is refused when the new count exceeds this (see `Consumer.commit`).
   * Unset: commits are not counted.
   */
  readonly correlationBudget?: number;
}

export type CommitResult = 'committed' | 'duplicate';

/**
 * A member of a consumer group. Delivery is at-least-once: an entry fetched and never
 * committed, retried or dead-lettered is delivered again (to this or another consumer of the
 * group) once its lease lapses. Within one stream a consumer receives entries in stream order.
 */
export interface Consumer {
  /**
   * Up to `max` deliveries, waiting up to `blockMs` when none is ready. Sources, in order: this
   * consumer's own pending entries after a restart, entries reclaimed from dead consumers, due
   * retries, new entries. Events this group already committed (same event id) are acknowledged
   * and skipped here: that is the dedupe stage.
   */
  fetch(max: number, blockMs: number): Promise<Delivery[]>;
  /**
   * Success: append `emissions` to their streams and acknowledge the delivery, atomically
   * (Redis: one script). Idempotent per (group, event id): when the group already committed
   * this event id, nothing is appended, nothing counted, the entry is acknowledged, and
   * `duplicate` returned. With a `correlationBudget`, the emissions are counted first (refused
   * ones too) and a commit that takes the count over the budget rejects with a TroupeError
   * BUDGET_EXCEEDED, data `{ correlationId, budget, total }`: nothing appended, the entry stays
   * pending for the caller to dead-letter.
   */
  commit(delivery: Delivery, emissions: readonly CloudEvent[]): Promise<CommitResult>;
  /**
   * A failed attempt that will be retried: acknowledge this entry and schedule the same event
   * (same id, intact) for redelivery to this group only after `delayMs`, with attempt + 1.
   */
  retry(delivery: Delivery, delayMs: number, error: SerializedError): Promise<void>;
  /**
   * Give up: append a dead letter (original event intact + info) to this group's dead-letter
   * stream, append `emissions` (system events), and acknowledge, atomically. Marks the event
   * id as done for dedupe.
   */
  deadLetter(
    delivery: Delivery,
    info: DeadLetterInfo,
    emissions?: readonly CloudEvent[],
  ): Promise<void>;
  /** Renew the lease on deliveries still being handled, so they are not reclaimed. */
  heartbeat(deliveries: readonly Delivery[]): Promise<void>;
  /** Stop fetching. Entries not yet settled stay pending and are reclaimed later. */
  close(): Promise<void>;
}

/** Sees events appended after `observe()` resolved, without joining any group. */
export interface Observation {
  close(): Promise<void>;
}

export interface GroupStats {
  /** Fetched, not yet settled. */
  pending: number;
  /** Appended to the group's streams and not yet delivered to it. */
  lag: number;
  /** Entries in the group's dead-letter stream. */
  deadLetters: number;
}

export interface TransportPublishOptions {
  /**
   * Also add each event to its correlation's count (the budget `countCorrelation` keeps),
   * atomically with its append: entry events count once they are accepted, never otherwise.
   */
  readonly countCorrelation?: boolean;
}

export interface Transport {
  readonly kind: 'memory' | 'redis';
  readonly features: TransportFeatures;
  /** Append events to their types' streams (entry events, system events). */
  publish(events: readonly CloudEvent[], options?: TransportPublishOptions): Promise<void>;
  /** Join (creating if needed) the consumer group `group` over `types`. */
  consume(options: ConsumerOptions): Promise<Consumer>;
  /** Call `onEvent` for every event of `types` appended after this resolves. */
  observe(types: readonly string[], onEvent: (event: CloudEvent) => void): Promise<Observation>;
  /** Dead letters of one group, oldest first. */
  deadLetters(group: string, options?: { limit?: number }): Promise<DeadLetter[]>;
  /**
   * Re-deliver dead letters (all, or the given ids) to that group only, event ids unchanged,
   * attempt counting restarted; removes them from the dead-letter stream. Returns how many.
   */
  redrive(group: string, ids?: readonly string[]): Promise<number>;
  /**
   * Re-deliver `events` (e.g. from the archive) to the group `group` only, ids unchanged, as
   * new attempts (attempt 1) through the group's private retry path. The group's done marker
   * of each id is cleared first, otherwise dedupe would drop the replay. Other groups see
   * nothing. A group that has not joined yet gets them when it joins. Returns how many.
   */
  replay(group: string, events: readonly CloudEvent[]): Promise<number>;
  /** Delete dead letters (all, or the given ids). Returns how many. */
  purgeDeadLetters(group: string, ids?: readonly string[]): Promise<number>;
  stats(group: string, types: readonly string[]): Promise<GroupStats>;
  /**
   * Add `n` to the event count of a correlation (per-correlation budget against event storms)
   * and return the new total. Counts expire after the transport's budget window.
   */
  countCorrelation(correlationId: string, n: number): Promise<number>;
  close(): Promise<void>;
}
