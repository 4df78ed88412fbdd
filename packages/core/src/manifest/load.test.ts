import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from './load.js';
import { agents, byKind, eventTypes, findManifest, mergeManifestSets } from './manifest-set.js';
import { DEFAULT_MAX_FILE_BYTES, parseManifestText } from './parse-text.js';

const agentDoc = (name: string, handler = './h.mjs'): string =>
  `apiVersion: troupe.dev/v1\nkind: Agent\nmetadata: { name: ${name} }\nspec:\n  handler: ${handler}\n  subscribe: [{ type: A }]\n`;

let dir: string;
let outside: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'troupe-load-'));
  outside = mkdtempSync(path.join(tmpdir(), 'troupe-outside-'));
  writeFileSync(path.join(dir, 'package.json'), '{}');
  writeFileSync(path.join(dir, 'h.mjs'), 'export default () => {};\n');
  mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
  mkdirSync(path.join(dir, '.hidden'));
  writeFileSync(path.join(dir, 'b.yaml'), agentDoc('b'));
  writeFileSync(path.join(dir, 'a.yml'), `${agentDoc('a')}---\n${agentDoc('a2')}`);
  writeFileSync(path.join(dir, 'sub', 'deeper', 'c.yaml'), agentDoc('c', '../../h.mjs'));
  writeFileSync(path.join(dir, 'sub', 'notes.txt'), 'not yaml');
  writeFileSync(path.join(dir, 'node_modules', 'x', 'skip.yaml'), 'kind: [');
  writeFileSync(path.join(dir, '.hidden', 'skip.yaml'), 'kind: [');
  writeFileSync(path.join(outside, 'evil.mjs'), 'export default () => {};\n');
  mkdirSync(path.join(dir, 'links'));
  symlinkSync(path.join(outside, 'evil.mjs'), path.join(dir, 'links', 'evil.mjs'));
  mkdirSync(path.join(dir, 'empty'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('loadManifests', () => {
  it('walks directories recursively in sorted order, skipping node_modules and dot-directories', async () => {
    const set = await loadManifests([dir]);
    expect(set.diagnostics).toEqual([]);
    expect(set.files?.map((f) => path.relative(dir, f))).toEqual([
      'a.yml',
      'b.yaml',
      'sub/deeper/c.yaml',
    ]);
    expect(set.documents).toBe(4);
    expect(agents(set).map((m) => m.manifest.metadata.name)).toEqual(['a', 'a2', 'b', 'c']);
    const c = findManifest(set, 'Agent', 'c')!;
    expect(c.handlerPath).toBe(path.join(dir, 'h.mjs'));
    expect(c.projectRoot).toBe(dir);
    expect(c.location).toEqual({
      file: path.join(dir, 'sub', 'deeper', 'c.yaml'),
      line: 1,
      column: 1,
    });
  });

  it('loads a file given twice (or through its directory) once', async () => {
    const set = await loadManifests([path.join(dir, 'b.yaml'), dir, path.join(dir, 'b.yaml')]);
    expect(set.files?.map((f) => path.basename(f))).toEqual(['b.yaml', 'a.yml', 'c.yaml']);
  });

  it('follows a symlinked manifest file but not a symlinked directory', async () => {
    const target = path.join(outside, 'linked.yaml');
    writeFileSync(target, agentDoc('linked', '../h.mjs'));
    const link = path.join(dir, 'links', 'linked.yaml');
    const loop = path.join(dir, 'links', 'loop');
    symlinkSync(target, link);
    symlinkSync(dir, loop);
    try {
      const set = await loadManifests([path.join(dir, 'links')]);
      expect(set.files).toEqual([link]);
      // The handler resolves next to the link, inside the project.
      expect(set.diagnostics).toEqual([]);
      expect(set.manifests[0]!.handlerPath).toBe(path.join(dir, 'h.mjs'));
    } finally {
      rmSync(link);
      rmSync(loop);
    }
  });

  it('reports a missing path and an empty directory without throwing', async () => {
    const set = await loadManifests([path.join(dir, 'nope.yaml'), path.join(dir, 'empty')]);
    expect(set.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['error', 'file-not-found'],
      ['warning', 'no-manifests'],
    ]);
    expect(set.diagnostics[0]!.message).toContain('nope.yaml');
  });

  it('refuses a file over the default 1 MiB cap before parsing it', async () => {
    const big = path.join(outside, 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(DEFAULT_MAX_FILE_BYTES)}\n`);
    const set = await loadManifests([big]);
    expect(set.diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
    expect(set.diagnostics[0]!.message).toContain(`${DEFAULT_MAX_FILE_BYTES}-byte limit`);
  });

  it('refuses a handler that escapes the project root through a symlink', async () => {
    const file = path.join(dir, 'sym.yaml');
    writeFileSync(file, agentDoc('sym', './links/evil.mjs'));
    try {
      const set = await loadManifests([file]);
      expect(
        set.diagnostics.map((d) => [d.code, d.path, d.location?.line, d.location?.column]),
      ).toEqual([['handler-escapes-root', 'spec.handler', 5, 12]]);
      expect(set.manifests).toEqual([]);
    } finally {
      rmSync(file);
    }
  });

  it('uses the manifest directory as the root when no package.json is above it', () => {
    // tmpdir() itself has no package.json above it on a sane machine.
    const set = parseManifestText(agentDoc('x', './evil.mjs'), path.join(outside, 'm.yaml'));
    expect(set.diagnostics).toEqual([]);
    expect(set.manifests[0]!.projectRoot).toBe(outside);
  });
});

describe('parseManifestText', () => {
  it('validates text with a path used for locations and handler resolution', () => {
    const file = path.join(dir, 'virtual.yaml');
    const set = parseManifestText(`${agentDoc('v')}---\n${agentDoc('w', './missing.mjs')}`, file);
    expect(set.manifests.map((m) => m.manifest.metadata.name)).toEqual(['v']);
    expect(set.diagnostics.map((d) => [d.code, d.location?.file, d.location?.line])).toEqual([
      ['handler-not-found', file, 12],
    ]);
  });

  it('refuses oversized and binary text and strips a BOM', () => {
    expect(parseManifestText('a: 1\n', 'x.yaml', { maxFileBytes: 2 }).diagnostics[0]!.code).toBe(
      'file-too-large',
    );
    expect(parseManifestText('a: \u0000', 'x.yaml').diagnostics[0]!.code).toBe('binary-file');
    const bom = parseManifestText(`\ufeff${agentDoc('bom')}`, path.join(dir, 'bom.yaml'));
    expect(bom.diagnostics).toEqual([]);
    expect(bom.manifests).toHaveLength(1);
  });
});

describe('set accessors', () => {
  it('filters by kind, indexes event types and merges sets', () => {
    const text =
      'apiVersion: troupe.dev/v1\nkind: EventType\nmetadata: { name: A }\nspec: { entry: true }\n';
    const one = parseManifestText(text, path.join(dir, 'e.yaml'));
    const two = parseManifestText(agentDoc('m'), path.join(dir, 'm.yaml'));
    const merged = mergeManifestSets([one, two]);
    expect(merged.documents).toBe(2);
    expect(merged.files).toHaveLength(2);
    expect(byKind(merged, 'EventType')).toHaveLength(1);
    expect(eventTypes(merged).get('A')?.manifest.spec.entry).toBe(true);
    expect(findManifest(merged, 'Agent', 'nope')).toBeUndefined();
  });
});
