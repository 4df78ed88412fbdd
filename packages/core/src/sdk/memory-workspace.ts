// An in-memory `ctx.workspace` for handler unit tests (STYLE.md §11): the same handler-facing
// semantics as the runtime's stores (JSON copies, versions, compare-and-set, tags, prefix and
// text search, scopes) without Redis or SQL. Not for production: no TTL sweeping, one process.
import { ErrorCode } from '../errors/codes.js';
import { TroupeError } from '../errors/troupe-error.js';
import type {
  WorkspaceCapability,
  WorkspaceItem,
  WorkspacePutOptions,
  WorkspaceQuery,
  WorkspaceUpdateOptions,
} from './capabilities.js';

const GLOBAL = 'global';

function copy<T>(value: T): T {
  const text = JSON.stringify(value);
  return (text === undefined ? null : JSON.parse(text)) as T;
}

function conflict(scope: string, key: string, expected: number, actual: number): TroupeError {
  return new TroupeError(
    ErrorCode.WorkspaceConflict,
    `workspace entry ${scope}/${key} is at version ${actual}, not ${expected}`,
    { data: { scope, key, expectedVersion: expected, actualVersion: actual } },
  );
}

/**
 * A fresh in-memory workspace bound to `scope` (default `'global'`). Views from `of()` and
 * `global` share its entries, so two test contexts given views of one workspace see each other.
 */
export function createMemoryWorkspace(
  scope: string = GLOBAL,
  options: { createdBy?: string; now?: () => number } = {},
): WorkspaceCapability {
  const entries = new Map<string, WorkspaceItem>();
  const now = options.now ?? Date.now;
  const id = (s: string, key: string): string => `${s}\u0000${key}`;
  const live = (e: WorkspaceItem | undefined): WorkspaceItem | undefined =>
    e !== undefined && (e.expiresAt === undefined || e.expiresAt > now()) ? e : undefined;
  const matches = (e: WorkspaceItem, q: WorkspaceQuery): boolean =>
    (q.tags ?? []).every((t) => e.tags.includes(t)) &&
    (q.prefix === undefined || e.key.startsWith(q.prefix)) &&
    (q.text === undefined ||
      `${e.key}\n${JSON.stringify(e.value)}`.toLowerCase().includes(q.text.toLowerCase()));
  const sorted = (list: WorkspaceItem[], limit = 1000): WorkspaceItem[] =>
    list
      .sort((a, b) => (a.scope === b.scope ? (a.key < b.key ? -1 : 1) : a.scope < b.scope ? -1 : 1))
      .slice(0, limit)
      .map(copy);

  function put<T>(s: string, key: string, value: T, o: WorkspacePutOptions = {}): WorkspaceItem<T> {
    const current = live(entries.get(id(s, key)));
    const version = current?.version ?? 0;
    if (o.ifVersion !== undefined && o.ifVersion !== version)
      throw conflict(s, key, o.ifVersion, version);
    const t = now();
    const by = current?.createdBy ?? options.createdBy;
    const entry: WorkspaceItem = {
      scope: s,
      key,
      value: copy(value),
      tags: [...new Set(o.tags ?? [])],
      metadata: copy(o.metadata ?? {}),
      version: version + 1,
      createdAt: current?.createdAt ?? t,
      updatedAt: t,
      ...(o.ttlMs === undefined ? {} : { expiresAt: t + o.ttlMs }),
      ...(by === undefined ? {} : { createdBy: by }),
    };
    entries.set(id(s, key), entry);
    return copy(entry) as WorkspaceItem<T>;
  }

  function view(s: string): WorkspaceCapability {
    return {
      scope: s,
      // `new Promise` turns put's conflict throw into a rejection, as a real store's would be.
      put: (key, value, o) => new Promise((resolve) => resolve(put(s, key, value, o))),
      get: <T>(key: string) => {
        const e = live(entries.get(id(s, key)));
        return Promise.resolve(e === undefined ? undefined : (copy(e) as WorkspaceItem<T>));
      },
      list: (q = {}) =>
        Promise.resolve(
          sorted(
            [...entries.values()].filter((e) => e.scope === s && live(e) && matches(e, q)),
            q.limit,
          ),
        ),
      search: (q = {}) =>
        Promise.resolve(
          sorted(
            [...entries.values()].filter(
              (e) => (q.allScopes === true || e.scope === s) && live(e) && matches(e, q),
            ),
            q.limit,
          ),
        ),
      delete: (key, o = {}) => {
        const e = live(entries.get(id(s, key)));
        if (o.ifVersion !== undefined && o.ifVersion !== (e?.version ?? 0))
          return Promise.reject(conflict(s, key, o.ifVersion, e?.version ?? 0));
        return Promise.resolve(entries.delete(id(s, key)) && e !== undefined);
      },
      update: async <T>(
        key: string,
        fn: (current: T | undefined) => T | Promise<T>,
        o: WorkspaceUpdateOptions = {},
      ) => {
        for (let attempt = 0; ; attempt++) {
          const e = live(entries.get(id(s, key)));
          const next = await fn(e === undefined ? undefined : (copy(e.value) as T));
          try {
            return put(s, key, next, {
              ifVersion: e?.version ?? 0,
              tags: o.tags ?? e?.tags ?? [],
              metadata: o.metadata ?? e?.metadata ?? {},
              ...(o.ttlMs === undefined ? {} : { ttlMs: o.ttlMs }),
            });
          } catch (err) {
            // Another update won the compare-and-set while `fn` ran: re-read and retry.
            if (attempt >= (o.retries ?? 100)) throw err;
          }
        }
      },
      get global() {
        return view(GLOBAL);
      },
      of: (other) => view(other),
    };
  }
  return view(scope);
}
