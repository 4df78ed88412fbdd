// The read → compute → compare-and-set → retry loop behind `WorkspaceStore.update`, written
// once for every store: it needs only `get` and `put({ ifVersion })`, so the no-lost-update
// guarantee rests on each store's atomic CAS, which the conformance suite checks.
import type {
  PutOptions,
  UpdateFn,
  UpdateOptions,
  WorkspaceEntry,
  WorkspaceScope,
  WorkspaceStore,
} from './contract.js';
import { invalidArgument, isWorkspaceConflict } from './errors.js';
import { WORKSPACE_DEFAULTS } from './options.js';

/** Backoff after the n-th conflict: none for the first three, then jittered up to 2^n ms (≤ 50). */
function backoffMs(conflicts: number): number {
  if (conflicts <= 3) return 0;
  return Math.random() * Math.min(50, 2 ** conflicts);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function updateEntry<T>(
  store: Pick<WorkspaceStore, 'get' | 'put'>,
  scope: WorkspaceScope,
  key: string,
  fn: UpdateFn<T>,
  options: UpdateOptions = {},
): Promise<WorkspaceEntry<T>> {
  const retries = options.retries ?? WORKSPACE_DEFAULTS.updateRetries;
  if (!Number.isSafeInteger(retries) || retries < 0)
    throw invalidArgument('options.retries', `must be an integer >= 0, got ${String(retries)}`);
  if (typeof fn !== 'function') throw invalidArgument('fn', 'must be a function');
  for (let conflicts = 0; ;) {
    const current = await store.get<T>(scope, key);
    const next = await fn(current?.value, current);
    const put: PutOptions = {
      ifVersion: current?.version ?? 0,
      tags: options.tags ?? current?.tags ?? [],
      metadata: options.metadata ?? current?.metadata ?? {},
      ...ttlOption(options.ttlMs, current),
      ...(options.createdBy === undefined ? {} : { createdBy: options.createdBy }),
    };
    try {
      return await store.put<T>(scope, key, next, put);
    } catch (err) {
      if (!isWorkspaceConflict(err) || conflicts >= retries) throw err;
      conflicts += 1;
      options.onConflict?.(conflicts);
      const delay = backoffMs(conflicts);
      if (delay > 0) await sleep(delay);
    }
  }
}

/** An explicit TTL wins; otherwise the entry keeps what is left of its TTL. */
function ttlOption(
  ttlMs: number | undefined,
  current: WorkspaceEntry | undefined,
): { ttlMs?: number } {
  if (ttlMs !== undefined) return { ttlMs };
  if (current?.expiresAt === undefined) return {};
  return { ttlMs: Math.max(1, current.expiresAt - Date.now()) };
}
