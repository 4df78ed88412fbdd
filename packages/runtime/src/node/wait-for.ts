// Awaiting an outcome: the first event of one of `types` in a correlation. The observation is
// established before `waitFor` resolves, so a caller that publishes afterwards cannot miss an
// outcome that arrives quickly (the race the CLI, the API and MCP tools would otherwise have).
import { ErrorCode, TroupeError, type CloudEvent } from '@troupe/core';
import type { Observation, Transport } from '../transport/contract.js';

/** An armed wait: `event` settles with the first matching event or rejects on timeout/cancel. */
export interface PendingWait {
  readonly event: Promise<CloudEvent>;
  /** Stop waiting; `event` rejects with code TIMEOUT if it had not settled. Idempotent. */
  cancel(): Promise<void>;
}

export async function waitForEvent(
  transport: Pick<Transport, 'observe'>,
  correlationId: string,
  types: readonly string[],
  timeoutMs: number,
): Promise<PendingWait> {
  if (types.length === 0)
    throw new TroupeError(ErrorCode.InvalidOption, 'waitFor needs at least one event type', {
      data: { field: 'types' },
      retryable: false,
    });
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new TroupeError(
      ErrorCode.InvalidOption,
      `timeoutMs must be a positive number, got ${timeoutMs}`,
      {
        data: { field: 'timeoutMs' },
        retryable: false,
      },
    );
  let settle!: (result: { event: CloudEvent } | { error: TroupeError }) => void;
  const event = new Promise<CloudEvent>((resolve, reject) => {
    settle = (r) => ('event' in r ? resolve(r.event) : reject(r.error));
  });
  // Filled in below; `finish` may in principle run before either exists.
  const st: { done: boolean; timer?: NodeJS.Timeout; observation?: Observation } = { done: false };
  const finish = (r: { event: CloudEvent } | { error: TroupeError }): void => {
    if (st.done) return;
    st.done = true;
    clearTimeout(st.timer);
    settle(r);
    void st.observation?.close().catch(() => {});
  };
  const observation = await transport.observe(types, (e) => {
    if (e.correlationid === correlationId) finish({ event: e });
  });
  st.observation = observation;
  if (st.done) await observation.close();
  const timeoutError = (why: string): TroupeError =>
    new TroupeError(
      ErrorCode.Timeout,
      `no ${types.join(' or ')} event for correlation ${correlationId} ${why}`,
      {
        data: { timeoutMs, correlationId, types: [...types] },
      },
    );
  if (!st.done)
    st.timer = setTimeout(
      () => finish({ error: timeoutError(`within ${timeoutMs} ms`) }),
      timeoutMs,
    );
  // A rejection nobody awaits yet (the caller publishes first) must not crash the process.
  event.catch(() => {});
  return {
    event,
    cancel: () => {
      finish({ error: timeoutError('(wait cancelled)') });
      return Promise.resolve();
    },
  };
}
