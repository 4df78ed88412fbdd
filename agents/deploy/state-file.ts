// The simulated platform of the deployment saga: one JSON file holding the services, their
// running versions and which version the router sends traffic to, plus an append-only log of
// every action. Handlers in several worker threads change it read-modify-write, so each change
// holds a lock directory (mkdir is atomic) and lands with write-to-temp + rename; a reader never
// sees half a file and two writers never lose each other's change.
import { mkdir, readFile, rename, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface ServiceState {
  /** Running versions and their replicas. */
  versions: Record<string, { replicas: number; deployedAt: string; startedBy: string }>;
  /** Version receiving traffic, or null. */
  live: string | null;
  /** What the router pointed at before each correlation's switch (for routing.revert). */
  switched: Record<string, string | null>;
}

export interface PlatformState {
  services: Record<string, ServiceState>;
  log: { at: string; action: string; service: string; version: string; correlationId: string }[];
}

/** Default of `stateFile`: relative to the process's working directory. */
export const DEFAULT_STATE_FILE = '.troupe/deploy-state.json';

/** The state file a handler uses: env TROUPE_DEPLOY_STATE, else the config, else the default. */
export function stateFilePath(configured: unknown): string {
  const p =
    process.env.TROUPE_DEPLOY_STATE ??
    (typeof configured === 'string' ? configured : DEFAULT_STATE_FILE);
  return path.resolve(p);
}

export async function readState(file: string): Promise<PlatformState> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PlatformState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { services: {}, log: [] };
    throw err;
  }
}

/** A lock older than this is from a crashed writer and is broken. */
const STALE_LOCK_MS = 5000;

async function lock(file: string, signal?: AbortSignal): Promise<() => Promise<void>> {
  const dir = `${file}.lock`;
  await mkdir(path.dirname(file), { recursive: true });
  for (;;) {
    signal?.throwIfAborted();
    try {
      await mkdir(dir);
      return () => rmdir(dir).catch(() => {});
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(dir).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) await rmdir(dir).catch(() => {});
      else await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** Read, change and write the state under the lock; returns what `change` returned. */
export async function updateState<T>(
  file: string,
  change: (state: PlatformState) => T,
  signal?: AbortSignal,
): Promise<T> {
  const unlock = await lock(file, signal);
  try {
    const state = await readState(file);
    const result = change(state);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
    await rename(tmp, file);
    return result;
  } finally {
    await unlock();
  }
}

/** The service's entry, created empty on first use. */
export function service(state: PlatformState, name: string): ServiceState {
  return (state.services[name] ??= { versions: {}, live: null, switched: {} });
}
