// Options of the Redis Streams transport: exported defaults, then validation naming the
// field, then the resolved form the implementation reads (STYLE.md §4).
import { ErrorCode, TroupeError, type Logger } from '@troupe/core';
import { stderrLogger } from './connection.js';

export interface RedisTransportOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. Required. */
  readonly url: string;
  /** Prefix of every key (see keys.ts for the layout). Default `troupe`. */
  readonly namespace?: string;
  /** How long a finished event id is remembered per group for dedupe (its marker expires then). Default 24 h. */
  readonly dedupeWindowMs?: number;
  /** Expiry of `countCorrelation` counts, from the first count. Default 1 h. */
  readonly budgetWindowMs?: number;
  /** Longest single XREADGROUP / XREAD BLOCK; longer fetches loop. Default 5000 ms. */
  readonly maxBlockMs?: number;
  /** Added to the block time for the blocking connection's command timeout. Default 5000 ms. */
  readonly blockTimeoutMarginMs?: number;
  /** Timeout of ordinary commands and scripts. Default 10 000 ms. */
  readonly commandTimeoutMs?: number;
  /** How often a waiting consumer checks for due retries scheduled by other nodes. Default 1000 ms. */
  readonly retryPollMs?: number;
  /** How often the janitor trims streams below what every group still needs; 0 = never. Default 60 000 ms. */
  readonly trimIntervalMs?: number;
  /** Consumers with nothing pending idle longer than this are removed by the janitor. Default 24 h. */
  readonly consumerIdleDeleteMs?: number;
  /**
   * Streams no consumer group reads (terminal results nobody subscribes to) keep entries younger
   * than this, and never those a live archive trim floor still protects; 0 = never trim them.
   * Waits and observers read live, not history (decision 0010). Default 10 min.
   */
  readonly ungroupedRetentionMs?: number;
  /** How often an archiving node republishes its archive watermark (trim floor). Default 5000 ms. */
  readonly watermarkIntervalMs?: number;
  /**
   * A published watermark not refreshed for this many intervals is ignored and removed by any
   * node's trim (a crashed node cannot block trimming for ever). Integer >= 2. Default 12.
   */
  readonly watermarkStaleIntervals?: number;
  /** Subtracted from a watermark converted to the Redis clock, for clock drift. Default 1000 ms. */
  readonly watermarkMarginMs?: number;
  /** Upper bound of reconnect backoff (and of fetch backoff while Redis is away). Default 2000 ms. */
  readonly maxReconnectDelayMs?: number;
  /** Where connection trouble and stale entries are reported. Default: warnings to stderr. */
  readonly logger?: Logger;
}

export const REDIS_TRANSPORT_DEFAULTS = {
  namespace: 'troupe',
  dedupeWindowMs: 24 * 60 * 60 * 1000,
  budgetWindowMs: 60 * 60 * 1000,
  maxBlockMs: 5000,
  blockTimeoutMarginMs: 5000,
  commandTimeoutMs: 10_000,
  retryPollMs: 1000,
  trimIntervalMs: 60_000,
  consumerIdleDeleteMs: 24 * 60 * 60 * 1000,
  ungroupedRetentionMs: 10 * 60 * 1000,
  watermarkIntervalMs: 5000,
  watermarkStaleIntervals: 12,
  watermarkMarginMs: 1000,
  maxReconnectDelayMs: 2000,
} as const;

export interface ResolvedRedisOptions extends Required<Omit<RedisTransportOptions, 'logger'>> {
  readonly logger: Logger;
  /** Reclaim check period for a given visibility timeout: a quarter of it, 50 ms to 5 s. */
  reclaimIntervalMs(visibilityTimeoutMs: number): number;
  /** Counts entries acknowledged away because their stream entry was trimmed. */
  onStaleEntries(n: number): void;
  /** Told the type of every event this transport appends (publish, commit, dead-letter). */
  readonly onAppended: (type: string) => void;
}

/** What the transport wants to hear from its consumers (see ResolvedRedisOptions). */
export type RedisHooks = Pick<ResolvedRedisOptions, 'onStaleEntries' | 'onAppended'>;

function invalid(field: string, message: string): TroupeError {
  return new TroupeError(ErrorCode.InvalidOption, `redis transport: ${field} ${message}`, {
    data: { field },
  });
}

function intervals(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 2)
    throw invalid('watermarkStaleIntervals', `must be an integer >= 2, got ${String(value)}`);
  return value;
}

function ms(
  field: keyof typeof REDIS_TRANSPORT_DEFAULTS,
  value: unknown,
  allowZero = false,
): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  )
    throw invalid(
      field,
      `must be a ${allowZero ? 'non-negative' : 'positive'} number of milliseconds, got ${String(value)}`,
    );
  return value;
}

export function resolveRedisOptions(
  o: RedisTransportOptions,
  hooks: RedisHooks,
): ResolvedRedisOptions {
  if (typeof o.url !== 'string' || !/^rediss?:\/\//.test(o.url))
    throw invalid('url', `must be a redis:// or rediss:// URL, got ${String(o.url)}`);
  const namespace = o.namespace ?? REDIS_TRANSPORT_DEFAULTS.namespace;
  if (typeof namespace !== 'string' || !/^[A-Za-z0-9_.:{}-]+$/.test(namespace))
    throw invalid(
      'namespace',
      `must be a non-empty string of letters, digits and _.:{}-, got ${String(namespace)}`,
    );
  const d = REDIS_TRANSPORT_DEFAULTS;
  return {
    url: o.url,
    namespace,
    dedupeWindowMs: ms('dedupeWindowMs', o.dedupeWindowMs ?? d.dedupeWindowMs),
    budgetWindowMs: ms('budgetWindowMs', o.budgetWindowMs ?? d.budgetWindowMs),
    maxBlockMs: ms('maxBlockMs', o.maxBlockMs ?? d.maxBlockMs),
    blockTimeoutMarginMs: ms(
      'blockTimeoutMarginMs',
      o.blockTimeoutMarginMs ?? d.blockTimeoutMarginMs,
    ),
    commandTimeoutMs: ms('commandTimeoutMs', o.commandTimeoutMs ?? d.commandTimeoutMs),
    retryPollMs: ms('retryPollMs', o.retryPollMs ?? d.retryPollMs),
    trimIntervalMs: ms('trimIntervalMs', o.trimIntervalMs ?? d.trimIntervalMs, true),
    consumerIdleDeleteMs: ms(
      'consumerIdleDeleteMs',
      o.consumerIdleDeleteMs ?? d.consumerIdleDeleteMs,
    ),
    ungroupedRetentionMs: ms(
      'ungroupedRetentionMs',
      o.ungroupedRetentionMs ?? d.ungroupedRetentionMs,
      true,
    ),
    maxReconnectDelayMs: ms('maxReconnectDelayMs', o.maxReconnectDelayMs ?? d.maxReconnectDelayMs),
    watermarkIntervalMs: ms('watermarkIntervalMs', o.watermarkIntervalMs ?? d.watermarkIntervalMs),
    watermarkStaleIntervals: intervals(o.watermarkStaleIntervals ?? d.watermarkStaleIntervals),
    watermarkMarginMs: ms('watermarkMarginMs', o.watermarkMarginMs ?? d.watermarkMarginMs, true),
    logger: o.logger ?? stderrLogger,
    reclaimIntervalMs: (vt) => Math.min(5000, Math.max(50, Math.floor(vt / 4))),
    onStaleEntries: hooks.onStaleEntries,
    onAppended: hooks.onAppended,
  };
}
