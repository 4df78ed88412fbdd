// YAML text → documents with their node trees, refusing what manifests never need: syntax
// errors, duplicate keys, anchors/aliases (alias bombs) and explicit tags. Also maps a dotted
// path back to the most specific source position (the key, the value or the parent map).
import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
  type Node,
} from 'yaml';
import { DiagnosticCode } from './diagnostic-codes.js';
import type { Diagnostic, SourceLocation } from './types.js';

/** One non-empty document of a file, parsed and checked at the YAML level. */
export interface SourceDocument {
  /** 0-based index of the document in its file (empty documents count). */
  index: number;
  doc: Document.Parsed;
  /** Position helper for this file. */
  source: SourceText;
  /** Where the document's content starts. */
  location: SourceLocation;
  /** The plain JS value, only when the document has no YAML-level error. */
  value?: unknown;
}

/** A file's text as seen by the position helpers. */
export interface SourceText {
  file: string;
  lineCounter: LineCounter;
}

export type PathSegment = string | number;

/** 1-based line/column of an offset. */
export function locationAt(source: SourceText, offset: number): SourceLocation {
  const { line, col } = source.lineCounter.linePos(offset);
  return { file: source.file, line, column: col };
}

function yamlError(
  source: SourceText,
  code: string,
  offset: number,
  message: string,
  hint?: string,
): Diagnostic {
  return {
    severity: 'error',
    code,
    message,
    path: '',
    location: locationAt(source, offset),
    ...(hint === undefined ? {} : { hint }),
  };
}

/** Parse every document of `text`; empty documents are skipped. */
export function parseYamlDocuments(
  text: string,
  file: string,
): { documents: SourceDocument[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const source: SourceText = { file, lineCounter };
  const parsed = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
    strict: true,
    schema: 'core',
    prettyErrors: false,
  });
  const diagnostics: Diagnostic[] = [];
  const documents: SourceDocument[] = [];
  const docs = Array.isArray(parsed) ? parsed : [];
  docs.forEach((doc, index) => {
    const contents = doc.contents;
    const empty =
      contents === null ||
      (isScalar(contents) &&
        contents.value === null &&
        contents.tag === undefined &&
        !contents.anchor);
    if (empty && doc.errors.length === 0) return;
    const start = contents?.range[0] ?? doc.range[0];
    const own: Diagnostic[] = [];
    for (const err of doc.errors) {
      const isDup = err.code === 'DUPLICATE_KEY';
      own.push(
        yamlError(
          source,
          isDup ? DiagnosticCode.DuplicateKey : DiagnosticCode.YamlSyntax,
          err.pos[0],
          isDup ? 'duplicate key: a key may appear only once in a mapping' : firstLine(err.message),
          isDup ? 'remove or rename one of the two keys' : undefined,
        ),
      );
    }
    own.push(...refusedNodes(doc, source, start));
    diagnostics.push(...own);
    const entry: SourceDocument = { index, doc, source, location: locationAt(source, start) };
    if (own.length === 0) entry.value = doc.toJS({ maxAliasCount: 0 }) as unknown;
    documents.push(entry);
  });
  return { documents, diagnostics };
}

const ALIAS_HINT = 'write the value out in full: manifests refuse anchors and aliases';

/**
 * Anchors, aliases and explicit tags, refused. Only the first of each kind per document is
 * reported (with a count), so an alias bomb yields two lines, not thousands.
 */
function refusedNodes(doc: Document.Parsed, source: SourceText, start: number): Diagnostic[] {
  const found: { alias: [number, string][]; tag: [number, string][] } = { alias: [], tag: [] };
  visit(doc, {
    Node(_key, node) {
      const offset = node.range?.[0] ?? start;
      if (isAlias(node)) found.alias.push([offset, `YAML alias '*${node.source}' is not allowed`]);
      else if (node.anchor)
        found.alias.push([offset, `YAML anchor '&${node.anchor}' is not allowed`]);
      if (!isAlias(node) && node.tag !== undefined) {
        found.tag.push([offset, `YAML tag '${node.tag}' is not allowed`]);
      }
    },
  });
  const out: Diagnostic[] = [];
  const first = (list: [number, string][], code: string, hint: string): void => {
    const head = list[0];
    if (head === undefined) return;
    const more = list.length > 1 ? ` (and ${list.length - 1} more in this document)` : '';
    out.push(yamlError(source, code, head[0], `${head[1]}${more}`, hint));
  };
  first(found.alias, DiagnosticCode.YamlAlias, ALIAS_HINT);
  first(found.tag, DiagnosticCode.YamlTag, 'remove the tag: manifests use plain YAML values only');
  return out;
}

function firstLine(message: string): string {
  // The library appends " at line L, column C:" and a code frame; the location is ours to print.
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function childOf(node: unknown, segment: PathSegment): { key?: Node; value?: unknown } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const k: unknown = pair.key;
      const keyValue = isScalar(k) ? k.value : k;
      if (String(keyValue) === String(segment)) {
        return { ...(isNode(k) ? { key: k } : {}), value: pair.value };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    return { value: node.items[segment] };
  }
  return undefined;
}

/**
 * Source position for `path` in a document. `target`: `value` (wrong values), `key` (unknown
 * fields), or `parent` (a missing field: the map that should hold it). Falls back to the
 * deepest existing ancestor, then to the document start.
 */
export function locatePath(
  entry: Pick<SourceDocument, 'doc' | 'source' | 'location'>,
  path: readonly PathSegment[],
  target: 'value' | 'key' | 'parent' = 'value',
): SourceLocation {
  const segments = target === 'parent' ? path.slice(0, -1) : path;
  let node: unknown = entry.doc.contents;
  let best: SourceLocation = entry.location;
  if (isNode(node) && node.range) best = locationAt(entry.source, node.range[0]);
  for (let i = 0; i < segments.length; i++) {
    const child = childOf(node, segments[i]!);
    if (child === undefined) return best;
    const last = i === segments.length - 1;
    if (last && target === 'key' && child.key?.range) {
      return locationAt(entry.source, child.key.range[0]);
    }
    node = child.value;
    if (isNode(node) && node.range) best = locationAt(entry.source, node.range[0]);
    else if (child.key?.range) best = locationAt(entry.source, child.key.range[0]);
  }
  return best;
}
