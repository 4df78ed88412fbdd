// Manifest text → ManifestSet: size and binary checks, YAML documents, schema validation and
// the per-document checks. Shared by the file loader and by the admin API, which receives
// manifest text together with the path it came from (for locations and handler resolution).
import path from 'node:path';
import { DiagnosticCode } from './diagnostic-codes.js';
import { checkDocument } from './document-checks.js';
import type { ManifestSet } from './manifest-set.js';
import { projectRootOf } from './project-root.js';
import { validateDocumentSchema } from './schema-validate.js';
import { rememberSource } from './source-map.js';
import type { Diagnostic, LoadedManifest, Manifest } from './types.js';
import { parseYamlDocuments } from './yaml-source.js';

/** Default cap on one manifest file: 1 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface ParseOptions {
  /** Files (or texts) larger than this are refused before parsing. Default 1 MiB. */
  maxFileBytes?: number;
  /** Per-load cache of project roots (internal: the loader shares one across files). */
  rootCache?: Map<string, string>;
  /**
   * The project root that handler and file paths must stay inside, for every file (a node's
   * `--root`: manifests posted over the admin API). Default: each file's nearest ancestor
   * holding a package.json.
   */
  root?: string;
}

function fileLevel(file: string, code: string, message: string, hint?: string): Diagnostic {
  return {
    severity: 'error',
    code,
    message,
    path: '',
    location: { file, line: 1, column: 1 },
    ...(hint === undefined ? {} : { hint }),
  };
}

/** Refuse oversized text. Exported for the loader, which checks the size before reading. */
export function tooLarge(file: string, bytes: number, limit: number): Diagnostic {
  return fileLevel(
    file,
    DiagnosticCode.FileTooLarge,
    `file is ${bytes} bytes, over the ${limit}-byte limit`,
    'split the manifests into several files, or raise maxFileBytes',
  );
}

/**
 * Parse and validate manifest text. `file` names the text in locations and anchors relative
 * paths (handlers resolve against its directory). Does not run the set-level analysis.
 */
export function parseManifestText(
  text: string,
  file: string,
  options: ParseOptions = {},
): ManifestSet {
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limit)
    return {
      manifests: [],
      diagnostics: [tooLarge(file, bytes, limit)],
      files: [file],
      documents: 0,
    };
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    return {
      manifests: [],
      diagnostics: [
        fileLevel(file, DiagnosticCode.BinaryFile, 'file holds NUL bytes: it is binary, not YAML'),
      ],
      files: [file],
      documents: 0,
    };
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const { documents, diagnostics } = parseYamlDocuments(body, file);
  const absolute = path.resolve(file);
  const root = options.root ?? projectRootOf(absolute, options.rootCache);
  const manifests: LoadedManifest[] = [];
  for (const entry of documents) {
    if (!('value' in entry)) continue;
    const schemaErrors = validateDocumentSchema(entry);
    if (schemaErrors.length > 0) {
      diagnostics.push(...schemaErrors);
      continue;
    }
    const manifest = entry.value as Manifest;
    const checked = checkDocument(entry, manifest, absolute, root);
    if (checked.diagnostics.length > 0) {
      diagnostics.push(...checked.diagnostics);
      continue;
    }
    const loaded: LoadedManifest = {
      manifest,
      location: entry.location,
      file: absolute,
      projectRoot: root,
      ...(checked.handlerPath === undefined ? {} : { handlerPath: checked.handlerPath }),
    };
    rememberSource(loaded, entry);
    manifests.push(loaded);
  }
  return { manifests, diagnostics, files: [file], documents: documents.length };
}
