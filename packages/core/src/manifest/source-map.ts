// A side table from each LoadedManifest to its YAML node tree, so static analysis can point at
// the exact key or value (`spec.emits[1]`) without storing positions in the manifest object
// (which stays plain data for JSON, postMessage and the admin API).
import { formatPath } from './paths.js';
import type { LoadedManifest, SourceLocation } from './types.js';
import { locatePath, type PathSegment, type SourceDocument } from './yaml-source.js';

const sources = new WeakMap<LoadedManifest, SourceDocument>();

/** Remember where `manifest` came from. */
export function rememberSource(manifest: LoadedManifest, entry: SourceDocument): void {
  sources.set(manifest, entry);
}

/**
 * Location of `path` in the manifest's source; the document start when the source is unknown
 * (e.g. a manifest built in code or cloned across a thread).
 */
export function locationOf(
  manifest: LoadedManifest,
  path: readonly PathSegment[],
  target: 'value' | 'key' | 'parent' = 'value',
): SourceLocation {
  const entry = sources.get(manifest);
  return entry === undefined ? manifest.location : locatePath(entry, path, target);
}

/** `locationOf` plus the printed path, ready for a Diagnostic. */
export function at(
  manifest: LoadedManifest,
  path: readonly PathSegment[],
  target: 'value' | 'key' | 'parent' = 'value',
): { path: string; location: SourceLocation } {
  return { path: formatPath(path), location: locationOf(manifest, path, target) };
}
