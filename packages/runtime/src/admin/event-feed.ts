// The live event feed behind `GET /v1/events`, the SSE stream and `agentctl logs -f`: one
// transport observation over every event type of the desired state (plus the runtime's system
// events), a bounded ring of recent events, and subscribers with filters. The observation is
// re-armed when an apply changes the set of types; the new one opens before the old one closes
// and events are de-duplicated by id, so a re-apply neither drops nor doubles events.
import {
  ErrorCode,
  TroupeError,
  buildGraph,
  type CloudEvent,
  type LoadedManifest,
  type Logger,
} from '@troupe/core';
import { SystemEventType } from '../pipeline/system-events.js';
import type { PendingWait } from '../node/wait-for.js';
import type { Observation, Transport } from '../transport/contract.js';

/** Which events a reader wants. Every given field must match. */
export interface EventFilter {
  /** Only these types. Default: all. */
  readonly types?: readonly string[];
  /** Only events this agent emitted or subscribes to. Default: all. */
  readonly agent?: string;
  readonly correlationId?: string;
}

export interface EventFeedOptions {
  readonly transport: Pick<Transport, 'observe'>;
  /** Recent events kept for `GET /v1/events` and traces. Default 1,000. */
  readonly capacity?: number;
  readonly log?: Logger;
}

/** Default `capacity`. */
export const DEFAULT_FEED_CAPACITY = 1000;

type Listener = (event: CloudEvent) => void;

export class EventFeed {
  readonly #o: EventFeedOptions;
  readonly #capacity: number;
  readonly #ring: CloudEvent[] = [];
  readonly #ids = new Set<string>();
  readonly #listeners = new Map<Listener, EventFilter>();
  #subscriptions = new Map<string, ReadonlySet<string>>();
  #observation: Observation | undefined;
  #types = '';
  /** Types the current observation covers (set once it is armed). */
  #observed: ReadonlySet<string> = new Set();
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(o: EventFeedOptions) {
    this.#o = o;
    this.#capacity = Math.max(1, o.capacity ?? DEFAULT_FEED_CAPACITY);
  }

  /** Observe the types of `manifests` (re-arms only when the type set changed). */
  update(manifests: readonly LoadedManifest[]): Promise<void> {
    const subscriptions = new Map<string, ReadonlySet<string>>();
    for (const m of manifests)
      if (m.manifest.kind === 'Agent')
        subscriptions.set(
          m.manifest.metadata.name,
          new Set(m.manifest.spec.subscribe.map((s) => s.type)),
        );
    this.#subscriptions = subscriptions;
    const types = [
      ...new Set([
        ...buildGraph(manifests).eventTypes.map((t) => t.name),
        ...Object.values(SystemEventType),
      ]),
    ].sort();
    const run = this.#chain.then(() => this.#rearm(types));
    this.#chain = run.catch((err: unknown) => {
      this.#o.log?.warn('event feed: could not observe the event types', {
        error: err instanceof Error ? err.message : String(err),
      });
    });
    return run;
  }

  async #rearm(types: readonly string[]): Promise<void> {
    const signature = types.join('\n');
    if (this.#closed || signature === this.#types) return;
    const next = await this.#o.transport.observe(types, (e) => this.#push(e));
    const prior = this.#observation;
    this.#observation = next;
    this.#types = signature;
    this.#observed = new Set(types);
    await prior?.close();
  }

  #push(event: CloudEvent): void {
    if (this.#ids.has(event.id)) return;
    this.#ids.add(event.id);
    this.#ring.push(event);
    if (this.#ring.length > this.#capacity) this.#ids.delete(this.#ring.shift()!.id);
    for (const [listener, filter] of this.#listeners)
      if (this.matches(event, filter))
        try {
          listener(event);
        } catch {
          // One slow or broken reader must not stop the feed for the others.
        }
  }

  /** Does `event` pass `filter`? */
  matches(event: CloudEvent, filter: EventFilter): boolean {
    if (filter.types && filter.types.length > 0 && !filter.types.includes(event.type)) return false;
    if (filter.correlationId !== undefined && event.correlationid !== filter.correlationId)
      return false;
    if (filter.agent !== undefined) {
      const emitted = event.source === `troupe://agent/${filter.agent}`;
      if (!emitted && !this.#subscriptions.get(filter.agent)?.has(event.type)) return false;
    }
    return true;
  }

  /** Recent events passing `filter`, oldest first, at most `limit` (the newest ones). */
  recent(filter: EventFilter = {}, limit = this.#capacity): CloudEvent[] {
    const hits = this.#ring.filter((e) => this.matches(e, filter));
    return hits.slice(Math.max(0, hits.length - limit));
  }

  /** Call `listener` for every new event passing `filter`; returns the unsubscribe function. */
  subscribe(filter: EventFilter, listener: Listener): () => void {
    this.#listeners.set(listener, filter);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Await the first event of `types` in `correlationId` on the feed's own observation (no new
   * transport connection per wait, which on Redis costs a connection and a round trip). Armed
   * when this returns; undefined when the feed does not observe every one of `types` yet.
   */
  waitFor(
    correlationId: string,
    types: readonly string[],
    timeoutMs: number,
  ): PendingWait | undefined {
    if (this.#closed || !types.every((t) => this.#observed.has(t))) return undefined;
    let settle!: (r: { event: CloudEvent } | { error: TroupeError }) => void;
    const event = new Promise<CloudEvent>((resolve, reject) => {
      settle = (r) => ('event' in r ? resolve(r.event) : reject(r.error));
    });
    event.catch(() => {});
    let done = false;
    const finish = (r: { event: CloudEvent } | { error: TroupeError }): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      off();
      settle(r);
    };
    const timeout = (why: string): TroupeError =>
      new TroupeError(
        ErrorCode.Timeout,
        `no ${types.join(' or ')} event for correlation ${correlationId} ${why}`,
        {
          data: { timeoutMs, correlationId, types: [...types] },
        },
      );
    const off = this.subscribe({ types, correlationId }, (e) => finish({ event: e }));
    const timer = setTimeout(() => finish({ error: timeout(`within ${timeoutMs} ms`) }), timeoutMs);
    return {
      event,
      cancel: () => {
        finish({ error: timeout('(wait cancelled)') });
        return Promise.resolve();
      },
    };
  }

  /** Number of live subscribers (SSE streams). */
  get subscribers(): number {
    return this.#listeners.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#chain;
    this.#listeners.clear();
    await this.#observation?.close();
    this.#observation = undefined;
  }
}
