// The handler's view of the workspace (`ctx.workspace`, DESIGN.md §5): the store bound to the
// workflow's correlation id, so agents write `put(key, value)` and never pass a scope; `global`
// and `of(scope)` reach the shared scope and earlier workflows explicitly. Puts record the agent
// as `createdBy`.
import {
  ALL_SCOPES,
  GLOBAL_SCOPE,
  type DeleteOptions,
  type ListOptions,
  type PutOptions,
  type SearchOptions,
  type UpdateFn,
  type UpdateOptions,
  type WorkspaceEntry,
  type WorkspaceScope,
  type WorkspaceStore,
} from './contract.js';
import { normalizeScope } from './options.js';

export interface ScopedSearchOptions extends SearchOptions {
  /** Search every scope (all workflows and the global scope) instead of this one. Default false. */
  readonly allScopes?: boolean;
}

/** A workspace store bound to one scope. */
export interface ScopedWorkspace {
  /** The bound scope (the correlation id, or `'global'`). */
  readonly scope: string;
  put<T = unknown>(key: string, value: T, options?: PutOptions): Promise<WorkspaceEntry<T>>;
  get<T = unknown>(key: string): Promise<WorkspaceEntry<T> | undefined>;
  list(options?: ListOptions): Promise<WorkspaceEntry[]>;
  search(options?: ScopedSearchOptions): Promise<WorkspaceEntry[]>;
  delete(key: string, options?: DeleteOptions): Promise<boolean>;
  update<T = unknown>(
    key: string,
    fn: UpdateFn<T>,
    options?: UpdateOptions,
  ): Promise<WorkspaceEntry<T>>;
  /** The same operations on the global scope. */
  readonly global: ScopedWorkspace;
  /** The same operations on another scope, e.g. an earlier workflow's correlation id. */
  of(scope: WorkspaceScope): ScopedWorkspace;
}

export interface ScopedWorkspaceOptions {
  /** Recorded as `createdBy` on entries this view creates (e.g. the agent name). Default none. */
  readonly createdBy?: string;
}

/** Bind `store` to `scope` (normally the correlation id of the event being handled). */
export function scopedWorkspace(
  store: WorkspaceStore,
  scope: WorkspaceScope,
  options: ScopedWorkspaceOptions = {},
): ScopedWorkspace {
  const bound = normalizeScope(scope);
  const by = options.createdBy === undefined ? {} : { createdBy: options.createdBy };
  let globalView: ScopedWorkspace | undefined;
  const view: ScopedWorkspace = {
    scope: bound,
    put: (key, value, o) => store.put(bound, key, value, { ...by, ...o }),
    get: (key) => store.get(bound, key),
    list: (o) => store.list(bound, o),
    search: ({ allScopes, ...o } = {}) => store.search(allScopes ? ALL_SCOPES : bound, o),
    delete: (key, o) => store.delete(bound, key, o),
    update: (key, fn, o) => store.update(bound, key, fn, { ...by, ...o }),
    get global() {
      if (bound === GLOBAL_SCOPE) return view;
      globalView ??= scopedWorkspace(store, GLOBAL_SCOPE, options);
      return globalView;
    },
    of: (other) => scopedWorkspace(store, other, options),
  };
  return view;
}
