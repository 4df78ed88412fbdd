// Manifest files and directories → one ManifestSet. Directories are searched recursively for
// *.yaml / *.yml (sorted, skipping node_modules and dot-directories); every file is size-checked
// before it is read and must be UTF-8 text.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { DiagnosticCode } from './diagnostic-codes.js';
import { mergeManifestSets, type ManifestSet } from './manifest-set.js';
import {
  DEFAULT_MAX_FILE_BYTES,
  parseManifestText,
  tooLarge,
  type ParseOptions,
} from './parse-text.js';
import type { Diagnostic } from './types.js';

export interface LoadOptions {
  /** Files larger than this are refused before they are read. Default 1 MiB (1048576). */
  maxFileBytes?: number;
}

const MANIFEST_FILE = /\.ya?ml$/i;

async function listYaml(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listYaml(full)));
    else if (!MANIFEST_FILE.test(e.name)) continue;
    else if (e.isFile()) out.push(full);
    // A symlinked manifest file is followed; symlinked directories are not (no loops).
    else if (e.isSymbolicLink() && (await stat(full).catch(() => undefined))?.isFile() === true)
      out.push(full);
  }
  return out;
}

function problem(
  file: string,
  code: string,
  message: string,
  severity: Diagnostic['severity'] = 'error',
): Diagnostic {
  return { severity, code, message, path: '', location: { file, line: 1, column: 1 } };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function loadFile(
  file: string,
  options: ParseOptions & { maxFileBytes: number },
): Promise<ManifestSet> {
  const empty = (d: Diagnostic): ManifestSet => ({
    manifests: [],
    diagnostics: [d],
    files: [file],
    documents: 0,
  });
  const info = await stat(file);
  if (info.size > options.maxFileBytes)
    return empty(tooLarge(file, info.size, options.maxFileBytes));
  const bytes = await readFile(file);
  if (bytes.includes(0)) {
    return empty(
      problem(file, DiagnosticCode.BinaryFile, 'file holds NUL bytes: it is binary, not YAML'),
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return empty(problem(file, DiagnosticCode.NotUtf8, 'file is not valid UTF-8 text'));
  }
  return parseManifestText(text, file, options);
}

/**
 * Load manifests from files and directories (multi-document YAML). Never throws for bad input:
 * every problem is a diagnostic. Runs the per-document checks, not the set-level analysis
 * (see `analyzeManifests` / `validateManifests`).
 */
export async function loadManifests(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<ManifestSet> {
  const parseOptions = {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    rootCache: new Map<string, string>(),
  };
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      diagnostics.push({
        severity: 'error',
        code: DiagnosticCode.FileNotFound,
        message: `no such file or directory: ${p}`,
        path: '',
      });
      continue;
    }
    const found = info.isDirectory() ? await listYaml(p) : [p];
    if (info.isDirectory() && found.length === 0) {
      diagnostics.push(
        problem(
          p,
          DiagnosticCode.NoManifests,
          'directory holds no *.yaml or *.yml file',
          'warning',
        ),
      );
    }
    for (const f of found) {
      const real = await realpath(f).catch(() => path.resolve(f));
      if (seen.has(real)) continue;
      seen.add(real);
      files.push(f);
    }
  }
  // Sequential on purpose: manifests are small, and order must be stable.
  const sets: ManifestSet[] = [];
  for (const f of files) {
    try {
      sets.push(await loadFile(f, parseOptions));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      sets.push({
        manifests: [],
        diagnostics: [problem(f, DiagnosticCode.FileNotFound, `cannot read file: ${reason}`)],
        files: [f],
        documents: 0,
      });
    }
  }
  const merged = mergeManifestSets(sets);
  return { ...merged, diagnostics: [...diagnostics, ...merged.diagnostics] };
}
