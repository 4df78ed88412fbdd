// Worker side: loads handler modules once per thread and checks their shape. The import function
// is injected (tsx's namespaced `import` in a worker, plain `import()` in unit tests), so this
// module has no opinion about how TypeScript gets compiled.
import { pathToFileURL } from 'node:url';
import { ErrorCode, TroupeError } from '@troupe/core';

/** A handler as the worker calls it; `defineAgent` adds only types on top of this. */
export type LoadedHandler = (event: unknown, ctx: unknown) => unknown;

/** Imports a module by absolute file URL and resolves its namespace object. */
export type ModuleImporter = (url: string) => Promise<unknown>;

export interface HandlerLoader {
  /** The default-export function of the module at `handlerPath`; rejects with HANDLER_LOAD. */
  load(handlerPath: string): Promise<LoadedHandler>;
  /** The handler if its module has loaded already, without a promise hop. */
  cached(handlerPath: string): LoadedHandler | undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The default export, unwrapping the `default.default` shape a CommonJS-context module gets when
 * imported from ESM (a `.ts` file with no `"type": "module"` above it).
 */
function pickDefault(ns: unknown, handlerPath: string): LoadedHandler {
  const outer = (ns as { default?: unknown } | null)?.default;
  if (typeof outer === 'function') return outer as LoadedHandler;
  const inner = (outer as { default?: unknown } | null | undefined)?.default;
  if (typeof inner === 'function') return inner as LoadedHandler;
  const found =
    outer === undefined ? 'no default export' : `a default export that is ${describe(outer)}`;
  throw new TroupeError(
    ErrorCode.HandlerLoad,
    `handler module ${handlerPath} must export a default function (event, ctx) => …; found ${found}`,
    { data: { handler: handlerPath }, retryable: false },
  );
}

function loadError(handlerPath: string, cause: unknown): TroupeError {
  if (cause instanceof TroupeError && cause.code === ErrorCode.HandlerLoad) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TroupeError(
    ErrorCode.HandlerLoad,
    `cannot load handler module ${handlerPath}: ${reason}`,
    {
      data: { handler: handlerPath },
      retryable: false,
      cause,
    },
  );
}

/** A per-thread cache of handler modules. Failed loads are not cached: a fixed file loads next time. */
export function createHandlerLoader(importModule: ModuleImporter): HandlerLoader {
  const cache = new Map<string, Promise<LoadedHandler>>();
  const loaded = new Map<string, LoadedHandler>();
  return {
    cached: (handlerPath) => loaded.get(handlerPath),
    load(handlerPath) {
      let pending = cache.get(handlerPath);
      if (pending === undefined) {
        pending = importModule(pathToFileURL(handlerPath).href).then(
          (ns) => {
            const handler = pickDefault(ns, handlerPath);
            loaded.set(handlerPath, handler);
            return handler;
          },
          (err: unknown) => {
            throw loadError(handlerPath, err);
          },
        );
        pending.catch(() => cache.delete(handlerPath));
        cache.set(handlerPath, pending);
      }
      return pending;
    },
  };
}
