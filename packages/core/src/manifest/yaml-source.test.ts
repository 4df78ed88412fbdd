import { describe, expect, it } from 'vitest';
import { locatePath, parseYamlDocuments } from './yaml-source.js';

describe('parseYamlDocuments', () => {
  it('skips empty and comment-only documents and keeps document indexes', () => {
    const text = '---\n# only a comment\n---\na: 1\n---\n---\nb:\n  c: [x, y]\n';
    const { documents, diagnostics } = parseYamlDocuments(text, 'm.yaml');
    expect(diagnostics).toEqual([]);
    expect(documents.map((d) => d.index)).toEqual([1, 3]);
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: { c: ['x', 'y'] } }]);
    expect(documents[1]!.location).toEqual({ file: 'm.yaml', line: 7, column: 1 });
  });

  it('uses the core schema: yes/no/on stay strings', () => {
    const { documents } = parseYamlDocuments('a: yes\nb: on\nc: 0x10\n', 'm.yaml');
    expect(documents[0]!.value).toEqual({ a: 'yes', b: 'on', c: 16 });
  });

  it('refuses standard tags as well as custom ones, and reports each kind once per document', () => {
    const { diagnostics } = parseYamlDocuments('a: !!str 1\nb: !x 2\n', 'm.yaml');
    expect(
      diagnostics.map((d) => [d.code, d.location?.line, d.location?.column, d.message]),
    ).toEqual([
      [
        'yaml-tag',
        1,
        10,
        "YAML tag 'tag:yaml.org,2002:str' is not allowed (and 1 more in this document)",
      ],
    ]);
  });

  it('gives no value for a document with YAML errors', () => {
    const { documents } = parseYamlDocuments('a: &x 1\nb: *x\n', 'm.yaml');
    expect(documents[0]!.value).toBeUndefined();
  });
});

describe('locatePath', () => {
  const { documents } = parseYamlDocuments(
    'spec:\n  retry:\n    attempts: 0\n  subscribe:\n    - type: A\n    - { type: B }\n',
    'm.yaml',
  );
  const entry = documents[0]!;
  it('points at values, keys and parent maps', () => {
    expect(locatePath(entry, ['spec', 'retry', 'attempts'])).toMatchObject({ line: 3, column: 15 });
    expect(locatePath(entry, ['spec', 'retry', 'attempts'], 'key')).toMatchObject({
      line: 3,
      column: 5,
    });
    expect(locatePath(entry, ['spec', 'retry', 'missing'], 'parent')).toMatchObject({
      line: 3,
      column: 5,
    });
    expect(locatePath(entry, ['spec', 'subscribe', 1, 'type'])).toMatchObject({
      line: 6,
      column: 15,
    });
  });
  it('falls back to the deepest existing node', () => {
    expect(locatePath(entry, ['spec', 'nope', 'deeper'])).toMatchObject({ line: 2, column: 3 });
  });
});
