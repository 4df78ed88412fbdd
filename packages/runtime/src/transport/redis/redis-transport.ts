// The Redis Streams transport: the engine for everything beyond one process. One stream per
// event type, a consumer group per agent, a consumer per runtime node (keys.ts has the key
// layout). Publishing of big batches pipelines (node-redis sends the commands issued in one
// tick together). Consumers live in redis-consumer.ts; settling is Lua (scripts.ts); all
// observations share one reader connection (observer-hub.ts).
import { ErrorCode, TroupeError, type CloudEvent, type SerializedError } from '@troupe/core';
import type {
  Consumer,
  ConsumerOptions,
  DeadLetter,
  DeadLetterReason,
  GroupStats,
  Observation,
  TransportPublishOptions,
  Transport,
  TransportFeatures,
} from '../contract.js';
import { validateConsumerOptions } from '../consumer-options.js';
import { connect, runScript, type RedisConnection } from './connection.js';
import { keyLayout, type KeyLayout } from './keys.js';
import { RedisConsumer } from './redis-consumer.js';
import {
  resolveRedisOptions,
  type RedisTransportOptions,
  type ResolvedRedisOptions,
} from './redis-options.js';
import { ObserverHub } from './observer-hub.js';
import { entriesOf, errorMessage, groupsInfoOf } from './replies.js';
import { SCRIPTS } from './scripts.js';
import { TrimFloors, type TrimFloorSource, type TrimHold, type TrimHolder } from './trim-floors.js';
import { TrimTargets } from './trim-targets.js';

/** The Redis transport adds maintenance the runtime (or an operator) may call. */
export interface RedisTransport extends Transport, TrimHolder {
  readonly kind: 'redis';
  readonly keys: KeyLayout;
  /**
   * Trim the streams of `types` (default: every type a consumer of this transport reads and
   * every type it appended to lately, plus the retry streams of its consumers' groups) below
   * what every group still needs and below every live trim floor; a stream no group reads keeps
   * what is younger than `ungroupedRetentionMs` (0: everything). Returns entries removed.
   */
  trim(types?: readonly string[]): Promise<number>;
  /**
   * Keep trimming (on every node) below `floor()` while held: published now and every
   * `watermarkIntervalMs`, ignored by trims once not refreshed for `watermarkStaleIntervals`
   * intervals. One hold per `holder` (the node id); released by `release()` or `close()`.
   */
  holdTrim(holder: string, floor: TrimFloorSource): TrimHold;
  /** Pending entries acknowledged away because their stream entry had been trimmed. */
  readonly staleEntries: number;
}

const FEATURES: TransportFeatures = Object.freeze({ durable: true, multiProcess: true });

/** Connect to Redis and create the transport. */
export async function createRedisTransport(
  options: RedisTransportOptions,
): Promise<RedisTransport> {
  let stale = 0;
  const targets = new TrimTargets();
  const settings = resolveRedisOptions(options, {
    onStaleEntries: (n) => (stale += n),
    onAppended: (type) => targets.appended(type),
  });
  let cmd: RedisConnection;
  try {
    cmd = await connect({ ...settings, name: `troupe-${settings.namespace}` });
  } catch (err) {
    throw new TroupeError(
      ErrorCode.TransportUnavailable,
      `redis transport: cannot connect to ${settings.url}: ${errorMessage(err)}`,
      {
        cause: err,
        data: { url: settings.url },
      },
    );
  }
  return new RedisStreamsTransport(cmd, settings, targets, () => stale);
}

class RedisStreamsTransport implements RedisTransport {
  readonly kind = 'redis' as const;
  readonly features = FEATURES;
  readonly keys: KeyLayout;
  private readonly consumers = new Set<RedisConsumer>();
  private readonly connections = new Set<RedisConnection>();
  private readonly janitor: NodeJS.Timeout | undefined;
  private readonly floors: TrimFloors;
  /** Every observation shares its one reader connection (observer-hub.ts). */
  private readonly observers: ObserverHub;
  private closed = false;

  constructor(
    private readonly cmd: RedisConnection,
    private readonly s: ResolvedRedisOptions,
    private readonly targets: TrimTargets,
    private readonly staleCount: () => number,
  ) {
    this.keys = keyLayout(s.namespace);
    this.connections.add(cmd);
    this.observers = new ObserverHub(cmd, s, () =>
      connect({ ...s, name: `troupe-observe-${s.namespace}` }),
    );
    this.floors = new TrimFloors(cmd, this.keys.trimFloors, {
      intervalMs: s.watermarkIntervalMs,
      staleAfterMs: s.watermarkIntervalMs * s.watermarkStaleIntervals,
      marginMs: s.watermarkMarginMs,
      logger: s.logger,
    });
    if (s.trimIntervalMs > 0) {
      this.janitor = setInterval(() => {
        this.trim().catch((err: unknown) =>
          s.logger.warn('trim failed', { error: errorMessage(err) }),
        );
      }, s.trimIntervalMs);
      this.janitor.unref();
    }
  }

  get staleEntries(): number {
    return this.staleCount();
  }

  private assertOpen(): void {
    if (this.closed)
      throw new TroupeError(ErrorCode.TransportUnavailable, 'redis transport is closed', {
        data: { reason: 'closed' },
      });
  }

  private async wrap<T>(op: string, fn: () => Promise<T>): Promise<T> {
    this.assertOpen();
    try {
      return await fn();
    } catch (err) {
      if (err instanceof TroupeError) throw err;
      throw new TroupeError(
        ErrorCode.TransportUnavailable,
        `redis transport: ${op} failed: ${errorMessage(err)}`,
        { cause: err, data: { op } },
      );
    }
  }

  publish(events: readonly CloudEvent[], options: TransportPublishOptions = {}): Promise<void> {
    const window = String(this.s.budgetWindowMs);
    return this.wrap('publish', async () => {
      await Promise.all(
        events.map((e) => {
          this.s.onAppended(e.type);
          return options.countCorrelation
            ? runScript(
                this.cmd,
                SCRIPTS.publishCounted,
                [this.keys.stream(e.type), this.keys.corr(e.correlationid)],
                [JSON.stringify(e), e.id, window],
              )
            : this.cmd.sendCommand([
                'XADD',
                this.keys.stream(e.type),
                '*',
                'e',
                JSON.stringify(e),
                'i',
                e.id,
              ]);
        }),
      );
    });
  }

  async consume(options: ConsumerOptions): Promise<Consumer> {
    const o = validateConsumerOptions(options);
    return this.wrap('consume', async () => {
      const blocking = await connect({ ...this.s, name: `troupe-${o.group}-${o.consumer}` });
      this.connections.add(blocking);
      const consumer = new RedisConsumer(this.cmd, blocking, this.keys, o, this.s);
      try {
        await consumer.ensureGroups(o.startFrom);
      } catch (err) {
        blocking.destroy();
        this.connections.delete(blocking);
        throw err;
      }
      this.targets.consumed(o.group, o.types);
      this.consumers.add(consumer);
      return consumer;
    });
  }

  observe(types: readonly string[], onEvent: (event: CloudEvent) => void): Promise<Observation> {
    const keys = types.map((t) => this.keys.stream(t));
    return this.wrap('observe', () => this.observers.observe(keys, onEvent));
  }

  deadLetters(group: string, options: { limit?: number } = {}): Promise<DeadLetter[]> {
    return this.wrap('deadLetters', async () => {
      const args = ['XRANGE', this.keys.dlq(group), '-', '+'];
      if (options.limit !== undefined)
        args.push('COUNT', String(Math.max(0, Math.floor(options.limit))));
      return entriesOf(await this.cmd.sendCommand(args)).map(({ id, fields = {} }) => ({
        id,
        agent: fields.agent ?? group,
        sourceStream: fields.sourceStream ?? '',
        reason: (fields.reason ?? 'retries-exhausted') as DeadLetterReason,
        attempts: Number(fields.attempts ?? 0),
        ...(fields.error ? { error: JSON.parse(fields.error) as SerializedError } : {}),
        event: JSON.parse(fields.event ?? 'null') as CloudEvent,
        failedAt: fields.failedAt ?? '',
      }));
    });
  }

  redrive(group: string, ids?: readonly string[]): Promise<number> {
    return this.wrap('redrive', async () => {
      if (ids && !ids.length) return 0;
      const r = await runScript(
        this.cmd,
        SCRIPTS.redrive,
        [this.keys.dlq(group), this.keys.retry(group)],
        [this.keys.donePrefix(group), ...(ids ?? [])],
      );
      return Number(r);
    });
  }

  replay(group: string, events: readonly CloudEvent[]): Promise<number> {
    return this.wrap('replay', async () => {
      if (!events.length) return 0;
      const r = await runScript(
        this.cmd,
        SCRIPTS.replay,
        [this.keys.retry(group)],
        [this.keys.donePrefix(group), ...events.flatMap((e) => [e.id, JSON.stringify(e)])],
      );
      return Number(r);
    });
  }

  purgeDeadLetters(group: string, ids?: readonly string[]): Promise<number> {
    return this.wrap('purgeDeadLetters', async () => {
      const key = this.keys.dlq(group);
      if (ids)
        return ids.length
          ? Number(await this.cmd.sendCommand(['XDEL', key, ...ids.filter(isStreamId)]))
          : 0;
      const [n] = await Promise.all([
        this.cmd.sendCommand(['XLEN', key]),
        this.cmd.sendCommand(['DEL', key]),
      ]);
      return Number(n);
    });
  }

  stats(group: string, types: readonly string[]): Promise<GroupStats> {
    return this.wrap('stats', async () => {
      const keys = [...types.map((t) => this.keys.stream(t)), this.keys.retry(group)];
      const [infos, scheduled, dead] = await Promise.all([
        Promise.all(keys.map((k) => this.cmd.sendCommand(['XINFO', 'GROUPS', k]).catch(() => []))),
        this.cmd.sendCommand(['ZCARD', this.keys.retryZ(group)]),
        this.cmd.sendCommand(['XLEN', this.keys.dlq(group)]),
      ]);
      let pending = 0;
      let lag = Number(scheduled);
      for (const raw of infos) {
        const g = groupsInfoOf(raw).find((x) => String(x.name) === group);
        if (!g) continue;
        pending += Number(g.pending ?? 0);
        lag += g.lag === null || g.lag === undefined ? 0 : Number(g.lag);
      }
      return { pending, lag, deadLetters: Number(dead) };
    });
  }

  countCorrelation(correlationId: string, n: number): Promise<number> {
    return this.wrap('countCorrelation', async () => {
      const key = this.keys.corr(correlationId);
      const [total] = await Promise.all([
        this.cmd.sendCommand(['INCRBY', key, String(n)]),
        this.cmd.sendCommand(['PEXPIRE', key, String(this.s.budgetWindowMs), 'NX']),
      ]);
      return Number(total);
    });
  }

  holdTrim(holder: string, floor: TrimFloorSource): TrimHold {
    this.assertOpen();
    return this.floors.hold(holder, floor);
  }

  trim(types?: readonly string[]): Promise<number> {
    return this.wrap('trim', async () => {
      const keys = (types ?? this.targets.list()).map((t) => this.keys.stream(t));
      if (!types) keys.push(...this.targets.groups().map((g) => this.keys.retry(g)));
      const retention = String(Math.ceil(this.s.ungroupedRetentionMs));
      // This node's own floors first: its archive may have moved since the last refresh.
      await this.floors.refresh();
      const removed = await Promise.all(
        keys.map((key) =>
          runScript(
            this.cmd,
            SCRIPTS.trim,
            [key, this.keys.trimFloors],
            [String(this.s.consumerIdleDeleteMs), retention],
          ),
        ),
      );
      return removed.reduce<number>((a, b) => a + Number(b), 0);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.janitor) clearInterval(this.janitor);
    // Before the connections go: a hold still covering unwritten events is left to expire.
    await this.floors.close();
    this.observers.close();
    for (const c of this.consumers) await c.close();
    for (const conn of this.connections) conn.destroy();
    this.connections.clear();
  }
}

function isStreamId(id: string): boolean {
  return /^\d+-\d+$/.test(id);
}
