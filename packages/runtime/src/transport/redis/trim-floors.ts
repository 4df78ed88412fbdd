// Trim floors (decision 0007): a holder on this node (the event archive) says which entries it
// may still need, as a time on this process's monotonic clock (performance.now() ms); this
// module publishes it to the namespace's trim-floor hash on the Redis clock, refreshed every
// interval with an expiry of N intervals, and the TRIM script never trims at or above a live
// floor. Clock conversion: TIME read between local instants t0 and t1 gives Redis time T at
// some local instant in [t0, t1], so Redis = local + offset with offset >= T - t1 (the midpoint
// estimate minus RTT/2); that lower bound minus a margin (drift) keeps every floor on the safe
// (earlier) side. Publications are serialized, so a release is never overtaken by a refresh.
import { ErrorCode, TroupeError, type Logger } from '@troupe/core';
import { runScript, type RedisConnection } from './connection.js';
import { errorMessage } from './replies.js';
import { SCRIPTS } from './scripts.js';

/** The oldest time (performance.now() ms) the holder still needs entries from; undefined: none. */
export type TrimFloorSource = () => number | undefined;

export interface TrimHold {
  /** Settles after the first publication was attempted (rejections are logged, not thrown). */
  readonly ready: Promise<void>;
  /** Stop holding: the field is deleted when nothing is held, else left to expire. */
  release(): Promise<void>;
}

/** A transport whose trimming honours holds (the Redis transport). */
export interface TrimHolder {
  holdTrim(holder: string, floor: TrimFloorSource): TrimHold;
}

export interface TrimFloorSettings {
  readonly intervalMs: number;
  /** Expiry of a publication: a holder that stops refreshing is ignored after this. */
  readonly staleAfterMs: number;
  readonly marginMs: number;
  readonly logger: Logger;
  /** Local monotonic clock; default `performance.now`. Tests skew it. */
  readonly clock?: () => number;
}

/** The lower bound of (Redis clock − local clock) from one TIME reply read between t0 and t1. */
export function clockOffset(timeReply: unknown, t1: number): number {
  const [s, us] = timeReply as [string, string];
  return Number(s) * 1000 + Number(us) / 1000 - t1;
}

export class TrimFloors {
  readonly #holds = new Map<string, TrimFloorSource>();
  readonly #clock: () => number;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cmd: RedisConnection,
    private readonly key: string,
    private readonly s: TrimFloorSettings,
  ) {
    this.#clock = s.clock ?? (() => performance.now());
  }

  hold(holder: string, floor: TrimFloorSource): TrimHold {
    if (typeof holder !== 'string' || holder === '' || this.#holds.has(holder))
      throw new TroupeError(
        ErrorCode.InvalidOption,
        `trim floor: holder must be a non-empty string not already holding, got ${String(holder)}`,
        { retryable: false, data: { field: 'holder' } },
      );
    this.#holds.set(holder, floor);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.refresh().catch(this.#warn), this.s.intervalMs);
      this.#timer.unref();
    }
    const ready = this.#serial(() => this.#publish([[holder, floor]])).catch(this.#warn);
    return { ready, release: () => this.#release(holder) };
  }

  /** Publish every hold now (the trim does this first, so its own node's floors are fresh). */
  refresh(): Promise<void> {
    return this.#serial(() => this.#publish([...this.#holds]));
  }

  /** Release every hold (transport close). */
  async close(): Promise<void> {
    for (const holder of [...this.#holds.keys()]) await this.#release(holder).catch(this.#warn);
  }

  readonly #warn = (err: unknown): void =>
    this.s.logger.warn('trim floor publication failed', { error: errorMessage(err) });

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(op);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #publish(holds: readonly (readonly [string, TrimFloorSource])[]): Promise<void> {
    if (!holds.length) return;
    const reply = await this.cmd.sendCommand(['TIME']);
    const offset = clockOffset(reply, this.#clock());
    const args = [String(Math.ceil(this.s.staleAfterMs))];
    for (const [holder, source] of holds) {
      // Read the clock before asking: when nothing is held, everything appended before this
      // instant is written, so the instant itself is the floor.
      const asked = this.#clock();
      const floor = source() ?? asked;
      args.push(holder, String(Math.max(0, Math.floor(floor + offset - this.s.marginMs))));
    }
    await runScript(this.cmd, SCRIPTS.holdTrim, [this.key], args);
  }

  #release(holder: string): Promise<void> {
    const source = this.#holds.get(holder);
    if (!source) return Promise.resolve();
    this.#holds.delete(holder);
    if (!this.#holds.size && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    return this.#serial(async () => {
      const floor = source();
      if (floor === undefined) await this.cmd.sendCommand(['HDEL', this.key, holder]);
      else await this.#publish([[holder, () => floor]]);
    });
  }
}
