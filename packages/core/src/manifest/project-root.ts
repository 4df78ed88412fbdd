// Where a manifest's files may live: its project root is the nearest ancestor directory holding
// a package.json (the manifest's own directory if none). Paths are compared after realpath so a
// symlink inside the project cannot point outside it.
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

function realOrResolved(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * The project root of a manifest file (absolute, real path when it exists). `cache` (per load,
 * never global, so a long-running server sees a package.json added later) saves the walk.
 */
export function projectRootOf(manifestFile: string, cache?: Map<string, string>): string {
  const dir = realOrResolved(path.dirname(path.resolve(manifestFile)));
  const cached = cache?.get(dir);
  if (cached !== undefined) return cached;
  let current = dir;
  let root = dir;
  for (;;) {
    if (existsSync(path.join(current, 'package.json'))) {
      root = current;
      break;
    }
    const up = path.dirname(current);
    if (up === current) break;
    current = up;
  }
  cache?.set(dir, root);
  return root;
}

/** True when `candidate` is `root` or below it. Both must be absolute. */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export type ResolvedFile =
  | { ok: true; absolute: string }
  | { ok: false; reason: 'escapes-root' | 'not-found' | 'not-a-file'; absolute: string };

/**
 * Resolve `relative` against the manifest's directory and check it stays inside `root`, both
 * lexically and after following symlinks. `mustExist`: also require a regular file.
 */
export function resolveInsideRoot(
  manifestFile: string,
  relative: string,
  root: string,
  mustExist: boolean,
): ResolvedFile {
  const manifestDir = realOrResolved(path.dirname(path.resolve(manifestFile)));
  const absolute = path.resolve(manifestDir, relative);
  if (!isInside(root, absolute)) return { ok: false, reason: 'escapes-root', absolute };
  if (!existsSync(absolute)) {
    return mustExist ? { ok: false, reason: 'not-found', absolute } : { ok: true, absolute };
  }
  const real = realOrResolved(absolute);
  if (!isInside(root, real)) return { ok: false, reason: 'escapes-root', absolute: real };
  if (mustExist && !statSync(real).isFile())
    return { ok: false, reason: 'not-a-file', absolute: real };
  return { ok: true, absolute: real };
}
