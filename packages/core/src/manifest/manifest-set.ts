// A loaded set of manifests with the loader's diagnostics, and small typed accessors over it
// (agents, event types, by kind, lookup by name) that the runtime and the CLI share.
import type {
  AgentManifest,
  Diagnostic,
  EventTypeManifest,
  LoadedManifest,
  Manifest,
  ManifestKind,
} from './types.js';

/** What the loader produced: the valid documents and every finding. */
export interface ManifestSet {
  /** Documents that passed YAML, schema and per-document checks, in file order. */
  manifests: LoadedManifest[];
  /** Loader findings (YAML, schema, per-document checks); analysis is separate. */
  diagnostics: Diagnostic[];
  /** Files read (as given or found in directories), in load order. */
  files?: string[];
  /** Non-empty YAML documents seen, valid or not. */
  documents?: number;
}

/** The documents of one kind, typed. */
export function byKind<K extends ManifestKind>(
  set: Pick<ManifestSet, 'manifests'>,
  kind: K,
): LoadedManifest<Extract<Manifest, { kind: K }>>[] {
  return set.manifests.filter(
    (m): m is LoadedManifest<Extract<Manifest, { kind: K }>> => m.manifest.kind === kind,
  );
}

/** Agent documents. */
export function agents(set: Pick<ManifestSet, 'manifests'>): LoadedManifest<AgentManifest>[] {
  return byKind(set, 'Agent');
}

/** EventType documents by event type name. */
export function eventTypes(
  set: Pick<ManifestSet, 'manifests'>,
): Map<string, LoadedManifest<EventTypeManifest>> {
  return new Map(byKind(set, 'EventType').map((m) => [m.manifest.metadata.name, m]));
}

/** The document of `kind` named `name`, if any. */
export function findManifest<K extends ManifestKind>(
  set: Pick<ManifestSet, 'manifests'>,
  kind: K,
  name: string,
): LoadedManifest<Extract<Manifest, { kind: K }>> | undefined {
  return byKind(set, kind).find((m) => m.manifest.metadata.name === name);
}

/** True when no diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Concatenate sets (e.g. several texts posted to the admin API), keeping order. */
export function mergeManifestSets(sets: readonly ManifestSet[]): ManifestSet {
  return {
    manifests: sets.flatMap((s) => s.manifests),
    diagnostics: sets.flatMap((s) => s.diagnostics),
    files: sets.flatMap((s) => s.files ?? []),
    documents: sets.reduce((n, s) => n + (s.documents ?? 0), 0),
  };
}
