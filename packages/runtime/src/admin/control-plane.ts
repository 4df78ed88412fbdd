// The node's desired state: every manifest document applied to it, by kind and name, with the
// path it came from. `apply` merges documents into it (kubectl semantics: a document replaces
// the one of the same kind and name, others stay), validates and analyses the WHOLE resulting
// set, and reconciles the runtime with it, so agents start, restart or stop without a node
// restart and untouched agents keep running. Manifest text arrives with a path relative to the
// node's project root; the node refuses paths and handlers that resolve outside that root.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import {
  ErrorCode,
  TroupeError,
  formatDiagnostic,
  mergeManifestSets,
  parseManifestText,
  validateSet,
  type Diagnostic,
  type LoadedManifest,
  type Manifest,
  type ManifestKind,
} from '@troupe/core';
import { stringify } from 'yaml';
import type { ApplyResult, Runtime } from '../node/runtime.js';
import { lineDiff } from './line-diff.js';
import { badRequest, notFound } from './problem.js';
import { canonicalKind, stableJson } from './kinds.js';

/** One manifest file as a client sends it. */
export interface ManifestFile {
  /** Path relative to the node's project root (forward or back slashes). */
  readonly path: string;
  /** The file's YAML text (one or more documents). */
  readonly text: string;
}

export type ChangeAction = 'created' | 'configured' | 'unchanged';

/** What applying one document does (or would do, on a dry run). */
export interface DocumentChange {
  readonly kind: ManifestKind;
  readonly name: string;
  readonly action: ChangeAction;
  /** Path relative to the root (absolute when the file lies outside it: `up -f ../x.yaml`). */
  readonly path: string;
}

export interface ApplyOutcome {
  readonly dryRun: boolean;
  readonly changes: readonly DocumentChange[];
  /** Warnings of the analysis (errors refuse the apply). File paths relative to the root. */
  readonly diagnostics: readonly Diagnostic[];
  /** What the runtime did with the agents (absent on a dry run). */
  readonly plan?: ApplyResult;
}

export interface DiffEntry extends DocumentChange {
  /** Unified line diff of the document's YAML, `-` applied / `+` new; empty when unchanged. */
  readonly diff: string;
}

/** A document in the desired state. */
export interface AppliedDocument {
  readonly kind: ManifestKind;
  readonly name: string;
  readonly path: string;
  /** 1-based line of the document in its file. */
  readonly line: number;
  readonly manifest: Manifest;
  /** The document rendered as YAML (keys as written). */
  readonly yaml: string;
  /** RFC 3339 time of the apply that last changed it. */
  readonly appliedAt: string;
}

export interface ControlPlaneOptions {
  /** The node; its current manifests seed the desired state, and applies made directly on it are followed. */
  readonly runtime: Pick<Runtime, 'apply' | 'manifests' | 'onApplied'>;
  /** The node's project root: posted paths resolve against it. Default `process.cwd()`. */
  readonly root?: string;
  /** Largest manifest file accepted, in bytes. Default 1 MiB (the loader's default). */
  readonly maxFileBytes?: number;
  /** Injected clock. Default `Date.now`. */
  readonly now?: () => number;
}

interface Entry {
  readonly loaded: LoadedManifest;
  readonly doc: AppliedDocument;
  readonly fingerprint: string;
}

const key = (kind: string, name: string): string => `${kind}/${name}`;

function fingerprintOf(loaded: LoadedManifest): string {
  return stableJson({ manifest: loaded.manifest, handlerPath: loaded.handlerPath ?? null });
}

export class ControlPlane {
  /** The node's project root (real path). */
  readonly root: string;
  readonly #o: ControlPlaneOptions;
  #entries: Map<string, Entry> = new Map();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<(manifests: readonly LoadedManifest[]) => void>();

  /** The set this control plane is applying right now (to tell its applies from others'). */
  #mine: readonly LoadedManifest[] | undefined;
  readonly #unfollow: () => void;

  constructor(o: ControlPlaneOptions) {
    this.#o = o;
    const root = path.resolve(o.root ?? process.cwd());
    try {
      this.root = realpathSync.native(root);
    } catch {
      this.root = root;
    }
    this.#entries = this.#entriesOf(o.runtime.manifests());
    // Someone applied on the runtime directly (embedding code, `up -f`): adopt that set.
    this.#unfollow = o.runtime.onApplied((manifests) => {
      const mine = this.#mine;
      const ours = mine?.length === manifests.length && mine.every((m, i) => m === manifests[i]);
      if (!ours) this.#commit(this.#entriesOf(manifests));
    });
  }

  /** Stop following applies made directly on the runtime. */
  dispose(): void {
    this.#unfollow();
    this.#listeners.clear();
  }

  #entriesOf(manifests: readonly LoadedManifest[]): Map<string, Entry> {
    const at = new Date((this.#o.now ?? Date.now)()).toISOString();
    const out = new Map<string, Entry>();
    for (const loaded of manifests) {
      const { kind } = loaded.manifest;
      const { name } = loaded.manifest.metadata;
      const prior = this.#entries.get(key(kind, name));
      const fingerprint = fingerprintOf(loaded);
      out.set(
        key(kind, name),
        prior?.fingerprint === fingerprint ? prior : this.#entry(loaded, fingerprint, at),
      );
    }
    return out;
  }

  #entry(loaded: LoadedManifest, fingerprint: string, appliedAt: string): Entry {
    const { kind } = loaded.manifest;
    const { name } = loaded.manifest.metadata;
    return {
      loaded,
      fingerprint,
      doc: {
        kind,
        name,
        path: this.#rel(loaded.file),
        line: loaded.location.line,
        manifest: loaded.manifest,
        yaml: stringify(loaded.manifest),
        appliedAt,
      },
    };
  }

  /** runtime.apply, marked as ours so the onApplied follower does not re-adopt it. */
  async #runtimeApply(manifests: readonly LoadedManifest[]): Promise<ApplyResult> {
    this.#mine = manifests;
    try {
      return await this.#o.runtime.apply(manifests);
    } finally {
      this.#mine = undefined;
    }
  }

  /** Applied documents in apply order. */
  list(): AppliedDocument[] {
    return [...this.#entries.values()].map((e) => e.doc);
  }

  /** The desired state as loaded manifests (what the runtime was last reconciled with). */
  manifests(): LoadedManifest[] {
    return [...this.#entries.values()].map((e) => e.loaded);
  }

  /** One applied document; `kind` is case-insensitive and may be plural (`agents`). */
  get(kind: string, name: string): AppliedDocument | undefined {
    const k = canonicalKind(kind);
    return k === undefined ? undefined : this.#entries.get(key(k, name))?.doc;
  }

  /** Called after every change of the desired state, with the new set. */
  onChange(listener: (manifests: readonly LoadedManifest[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Parse, validate and (unless `dryRun`) apply posted manifest files. */
  apply(files: readonly ManifestFile[], options: { dryRun?: boolean } = {}): Promise<ApplyOutcome> {
    return this.#serial(async () => this.#applyLoaded(this.#parse(files), options.dryRun === true));
  }

  /** Apply documents the node loaded itself (`agentctl up -f`): trusted, no root check. */
  applyLoaded(loaded: readonly LoadedManifest[]): Promise<ApplyOutcome> {
    return this.#serial(async () => this.#applyLoaded(loaded, false));
  }

  /** What applying `files` would change, document by document, with YAML diffs. */
  diff(files: readonly ManifestFile[]): Promise<{
    changes: DiffEntry[];
    diagnostics: Diagnostic[];
  }> {
    return this.#serial(() => {
      const incoming = this.#parse(files);
      const { changes, diagnostics } = this.#plan(incoming);
      return {
        diagnostics,
        changes: changes.map((c, i) => {
          const before = this.#entries.get(key(c.kind, c.name))?.doc.yaml ?? '';
          return { ...c, diff: lineDiff(before, stringify(incoming[i]!.manifest)) };
        }),
      };
    });
  }

  /**
   * Remove a document and reconcile. The remaining set is analysed first; with errors (say, an
   * Aggregator left collecting a type nobody emits) nothing changes unless `force`.
   */
  delete(
    kind: string,
    name: string,
    options: { force?: boolean } = {},
  ): Promise<{ kind: ManifestKind; name: string; plan: ApplyResult }> {
    return this.#serial(async () => {
      const k = canonicalKind(kind);
      if (k === undefined)
        throw badRequest(
          `unknown kind '${kind}': expected one of Agent, EventType, Aggregator, Saga, Connection, Tool`,
          'kind',
        );
      const id = key(k, name);
      if (!this.#entries.has(id)) throw notFound(k, name, ' in the applied manifests');
      const next = new Map(this.#entries);
      next.delete(id);
      const manifests = [...next.values()].map((e) => e.loaded);
      if (!options.force)
        this.#refuseErrors(validateSet({ manifests, diagnostics: [] }).diagnostics);
      const plan = await this.#runtimeApply(manifests);
      this.#commit(next);
      return { kind: k, name, plan };
    });
  }

  #serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Resolve each posted path inside the root and parse its text. */
  #parse(files: readonly ManifestFile[]): LoadedManifest[] {
    if (files.length === 0) throw badRequest('no manifest files in the request', 'files');
    const sets = files.map((f, i) => {
      if (typeof f?.path !== 'string' || f.path.trim() === '')
        throw badRequest(`files[${i}].path must be a non-empty string`, `files[${i}].path`);
      if (typeof f.text !== 'string')
        throw badRequest(`files[${i}].text must be a string`, `files[${i}].text`);
      // The node's root, not the nearest package.json, bounds handler and file paths
      // (a Connection's SQLite filename too).
      return parseManifestText(f.text, this.#resolve(f.path, i), {
        root: this.root,
        ...(this.#o.maxFileBytes === undefined ? {} : { maxFileBytes: this.#o.maxFileBytes }),
      });
    });
    const set = mergeManifestSets(sets);
    this.#refuseErrors(set.diagnostics);
    for (const m of set.manifests) {
      if (m.handlerPath !== undefined && !inside(this.root, m.handlerPath))
        throw this.#invalid([
          {
            severity: 'error',
            code: 'handler-outside-root',
            message: `handler ${m.handlerPath} is outside the node's project root ${this.root}`,
            path: 'spec.handler',
            location: m.location,
            hint: "deploy the handler with the node (inside the directory 'agentctl up' runs in, or its --root)",
          },
        ]);
    }
    const seen = new Map<string, LoadedManifest>();
    for (const m of set.manifests) {
      const id = key(m.manifest.kind, m.manifest.metadata.name);
      const prior = seen.get(id);
      if (prior)
        throw this.#invalid([
          {
            severity: 'error',
            code: 'duplicate-name',
            message: `duplicate ${id} in one apply: also defined at ${this.#rel(prior.file)}:${prior.location.line}`,
            path: 'metadata.name',
            location: m.location,
          },
        ]);
      seen.set(id, m);
    }
    return set.manifests;
  }

  #resolve(posted: string, i: number): string {
    const p = posted.replace(/\\/g, '/');
    if (path.isAbsolute(p) || /^[a-zA-Z]:\//.test(p))
      throw badRequest(
        `files[${i}].path must be relative to the node's project root, got absolute '${posted}'`,
        `files[${i}].path`,
      );
    const absolute = path.resolve(this.root, p);
    if (!inside(this.root, absolute))
      throw badRequest(
        `files[${i}].path '${posted}' resolves outside the node's project root`,
        `files[${i}].path`,
      );
    return absolute;
  }

  #plan(incoming: readonly LoadedManifest[]): {
    next: Map<string, Entry>;
    changes: DocumentChange[];
    diagnostics: Diagnostic[];
  } {
    const next = new Map(this.#entries);
    const appliedAt = new Date((this.#o.now ?? Date.now)()).toISOString();
    const changes: DocumentChange[] = [];
    for (const loaded of incoming) {
      const { kind } = loaded.manifest;
      const { name } = loaded.manifest.metadata;
      const id = key(kind, name);
      const fingerprint = fingerprintOf(loaded);
      const prior = next.get(id);
      const action: ChangeAction =
        prior === undefined
          ? 'created'
          : prior.fingerprint === fingerprint
            ? 'unchanged'
            : 'configured';
      const rel = this.#rel(loaded.file);
      changes.push({ kind, name, action, path: rel });
      if (action !== 'unchanged') next.set(id, this.#entry(loaded, fingerprint, appliedAt));
    }
    const manifests = [...next.values()].map((e) => e.loaded);
    const diagnostics = validateSet({ manifests, diagnostics: [] }).diagnostics.map((d) =>
      this.#relDiagnostic(d),
    );
    this.#refuseErrors(diagnostics);
    return { next, changes, diagnostics };
  }

  async #applyLoaded(incoming: readonly LoadedManifest[], dryRun: boolean): Promise<ApplyOutcome> {
    const { next, changes, diagnostics } = this.#plan(incoming);
    if (dryRun) return { dryRun, changes, diagnostics };
    const plan = await this.#runtimeApply([...next.values()].map((e) => e.loaded));
    this.#commit(next);
    return { dryRun, changes, diagnostics, plan };
  }

  #commit(next: Map<string, Entry>): void {
    this.#entries = next;
    const manifests = this.manifests();
    for (const listener of this.#listeners) listener(manifests);
  }

  #rel(file: string): string {
    return inside(this.root, file)
      ? path.relative(this.root, file).split(path.sep).join('/')
      : file;
  }

  #relDiagnostic(d: Diagnostic): Diagnostic {
    return d.location ? { ...d, location: { ...d.location, file: this.#rel(d.location.file) } } : d;
  }

  #refuseErrors(diagnostics: readonly Diagnostic[]): void {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw this.#invalid(diagnostics.map((d) => this.#relDiagnostic(d)));
  }

  #invalid(diagnostics: readonly Diagnostic[]): TroupeError {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0] ?? diagnostics[0];
    return new TroupeError(
      ErrorCode.ManifestInvalid,
      `manifests are invalid (${errors.length} error${errors.length === 1 ? '' : 's'})${first ? `: ${formatDiagnostic(this.#relDiagnostic(first))}` : ''}`,
      { retryable: false, data: { diagnostics: diagnostics.map((d) => this.#relDiagnostic(d)) } },
    );
  }
}

function inside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
