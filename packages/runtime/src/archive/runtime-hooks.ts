// The archive's side of the runtime node, kept here so `createRuntime` only wires it: the
// transport wrapped when the archive is on (holding trimming at the archive's watermark where
// the transport trims, decision 0007), the outcome listener, and `trace` / `replay` (which
// need the archive and say so clearly when it is off).
import { ErrorCode, TroupeError } from '@troupe/core';
import type { Coordinators } from '../coordination/coordinators.js';
import type { OutcomeListener } from '../pipeline/outcome-hook.js';
import type { Transport } from '../transport/contract.js';
import type { TrimHolder } from '../transport/redis/trim-floors.js';
import { archivedTransport } from './archive-transport.js';
import type { EventArchive } from './event-archive.js';
import { replayFromArchive, type ReplayOptions, type ReplayResult } from './replay.js';
import { buildTrace, type Trace } from './trace.js';

function archiveOff(what: string): TroupeError {
  return new TroupeError(
    ErrorCode.InvalidOption,
    `${what} needs the event archive: create the runtime with options.archive (createEventArchive())`,
    { retryable: false, data: { field: 'options.archive' } },
  );
}

function holdsTrim(transport: Transport): transport is Transport & TrimHolder {
  return typeof (transport as Partial<TrimHolder>).holdTrim === 'function';
}

/**
 * `transport`, archived when an archive is given. A transport that trims (Redis) is held at
 * the archive's watermark under `nodeId` until it closes; a node without an archive holds nothing.
 */
export function withArchive(
  transport: Transport,
  archive: EventArchive | undefined,
  nodeId: string,
): Transport {
  if (!archive) return transport;
  const hold = holdsTrim(transport)
    ? transport.holdTrim(nodeId, () => archive.unflushedSince())
    : undefined;
  return archivedTransport(transport, archive, hold?.ready);
}

/** The outcome listener that archives every settlement, or none when the archive is off. */
export function archiveListener(archive: EventArchive | undefined): OutcomeListener | undefined {
  return archive ? (o) => archive.recordOutcome(o) : undefined;
}

/** The causal tree of `correlationId` from the archive, with the coordinators' state. */
export async function traceFromArchive(
  archive: EventArchive | undefined,
  coordinators: Pick<Coordinators, 'inspect'>,
  correlationId: string,
): Promise<Trace> {
  if (!archive) throw archiveOff('trace');
  if (typeof correlationId !== 'string' || correlationId === '')
    throw new TroupeError(
      ErrorCode.InvalidOption,
      'trace: correlationId must be a non-empty string',
      {
        retryable: false,
        data: { field: 'correlationId' },
      },
    );
  const [events, outcomes, coordination] = await Promise.all([
    archive.events({ correlationId, limit: 100_000 }),
    archive.outcomes(correlationId),
    coordinators.inspect(correlationId),
  ]);
  return buildTrace(correlationId, events, outcomes, coordination);
}

/** Replay to one running agent; `types` is what it subscribes to (undefined: not running here). */
export async function replayToAgent(
  archive: EventArchive | undefined,
  transport: Transport,
  types: readonly string[] | undefined,
  options: ReplayOptions,
): Promise<ReplayResult> {
  if (!archive) throw archiveOff('replay');
  if (!types)
    throw new TroupeError(
      ErrorCode.NotFound,
      `replay: no agent named ${String(options.agent)} runs on this node`,
      { retryable: false, data: { kind: 'agent', name: options.agent } },
    );
  return replayFromArchive(archive, transport, types, options);
}
