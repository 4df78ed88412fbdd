// Replay (DESIGN.md §6): re-deliver archived events to ONE consumer group (an agent), through
// the transport's `replay`, which clears that group's done markers and queues the events on the
// group's private retry path. Other subscribers see nothing. Events keep their ids, so:
//   - the chosen agent's handler runs again (its dedupe marker was cleared on purpose);
//   - its emissions carry the same deterministic ids as the first time, so every downstream
//     group that already handled them drops them within its dedupe window (default 24 h):
//     replay re-runs exactly one agent, not the choreography;
//   - side effects outside Troupe run again unless the handler keys them by `ctx.event.id`.
import { ErrorCode, TroupeError, type CloudEvent } from '@troupe/core';
import type { Transport } from '../transport/contract.js';
import type { EventArchive } from './event-archive.js';

export interface ReplayOptions {
  /** The agent (consumer group) to re-deliver to. */
  readonly agent: string;
  /** Archived event ids. */
  readonly ids?: readonly string[];
  /** Every archived event of this correlation. */
  readonly correlationId?: string;
  /** Event time at or after (Date, RFC 3339 or epoch ms). */
  readonly from?: Date | string | number;
  /** Event time at or before. */
  readonly to?: Date | string | number;
  /** List what would be replayed without replaying. Default false. */
  readonly dryRun?: boolean;
  /** Most events replayed. Default 10,000. */
  readonly limit?: number;
}

export interface ReplayedEvent {
  readonly id: string;
  readonly type: string;
  readonly correlationId: string;
  readonly time: string;
}

export interface ReplayResult {
  readonly agent: string;
  readonly dryRun: boolean;
  /** What was (or, with dryRun, would be) re-delivered, oldest first. */
  readonly events: ReplayedEvent[];
  /** Selected events the agent does not subscribe to (not re-delivered). */
  readonly skipped: ReplayedEvent[];
}

function invalid(field: string, message: string): TroupeError {
  return new TroupeError(ErrorCode.InvalidOption, message, { retryable: false, data: { field } });
}

function toMs(value: Date | string | number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n =
    value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(n))
    throw invalid(field, `replay: ${field} is not a valid time: ${String(value)}`);
  return n;
}

const brief = (e: CloudEvent): ReplayedEvent => ({
  id: e.id,
  type: e.type,
  correlationId: e.correlationid,
  time: e.time,
});

/** Select archived events for `options.agent` (subscribed `types`) and replay them. */
export async function replayFromArchive(
  archive: EventArchive,
  transport: Pick<Transport, 'replay'>,
  types: readonly string[],
  options: ReplayOptions,
): Promise<ReplayResult> {
  const from = toMs(options.from, 'from');
  const to = toMs(options.to, 'to');
  if (
    !options.ids?.length &&
    options.correlationId === undefined &&
    from === undefined &&
    to === undefined
  )
    throw invalid(
      'ids',
      'replay: choose the events: ids, correlationId, or a from/to time range (there is no replay-everything)',
    );
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1))
    throw invalid('limit', `replay: limit must be an integer >= 1, got ${options.limit}`);
  const selected = await archive.events({
    ...(options.ids ? { ids: options.ids } : {}),
    ...(options.correlationId !== undefined ? { correlationId: options.correlationId } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    limit: options.limit ?? 10_000,
  });
  const subscribed = new Set(types);
  const chosen = selected.filter((e) => subscribed.has(e.type));
  const skipped = selected.filter((e) => !subscribed.has(e.type));
  const dryRun = options.dryRun ?? false;
  if (!dryRun && chosen.length) await transport.replay(options.agent, chosen);
  return { agent: options.agent, dryRun, events: chosen.map(brief), skipped: skipped.map(brief) };
}
