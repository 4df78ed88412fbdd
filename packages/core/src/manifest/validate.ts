// Load + analyze in one call: what `agentctl validate` and `apply` run before anything starts.
import { analyzeManifests } from './analyze.js';
import { loadManifests, type LoadOptions } from './load.js';
import { hasErrors, type ManifestSet } from './manifest-set.js';
import type { Diagnostic } from './types.js';

export interface ValidationResult {
  set: ManifestSet;
  /** Loader diagnostics, then analysis diagnostics. */
  diagnostics: Diagnostic[];
  /** No error-severity diagnostic. */
  ok: boolean;
}

/**
 * Load manifests and run the static analysis. The analysis runs only when loading found no
 * error: a document that failed validation is missing from the set, and analysing the rest
 * would report its emissions and subscriptions as dangling.
 */
export async function validateManifests(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<ValidationResult> {
  const set = await loadManifests(paths, options);
  return validateSet(set);
}

/** The analysis step of `validateManifests` for a set loaded some other way (e.g. from text). */
export function validateSet(set: ManifestSet): ValidationResult {
  const analysis = hasErrors(set.diagnostics) ? [] : analyzeManifests(set.manifests);
  const diagnostics = [...set.diagnostics, ...analysis];
  return { set, diagnostics, ok: !hasErrors(diagnostics) };
}
