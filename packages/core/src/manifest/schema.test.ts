import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from './schema.js';
import { manifestDocumentValidator } from './schema-validate.js';

const checkedIn = JSON.parse(
  readFileSync(new URL('../../schema/manifest.schema.json', import.meta.url), 'utf8'),
) as unknown;

describe('manifest JSON Schema', () => {
  it('is checked in verbatim as schema/manifest.schema.json (regenerate it when this fails)', () => {
    // Regenerate: node -e "…JSON.stringify(manifestSchema, null, 2)" (see packages/core/README or this test).
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(manifestSchema)));
  });

  it('is draft-07 and compiles under ajv strict mode', () => {
    expect(manifestSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({
      strict: true,
      discriminator: true,
      allowUnionTypes: true,
      validateFormats: false,
    });
    expect(() => ajv.compile(checkedIn as object)).not.toThrow();
  });

  it('closes every fixed-shape object and documents every field', () => {
    const open: string[] = [];
    const undocumented: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.properties !== undefined && n.type === 'object' && n.additionalProperties !== false)
        open.push(at);
      for (const [k, v] of Object.entries(
        (n.properties as Record<string, unknown> | undefined) ?? {},
      )) {
        if (typeof v !== 'object' || v === null) continue; // `true` in a conditional `then`
        const child = v as Record<string, unknown>;
        if (
          child.description === undefined &&
          child.$ref === undefined &&
          child.const === undefined
        )
          undocumented.push(`${at}.${k}`);
      }
      for (const [k, v] of Object.entries(n)) walk(v, `${at}/${k}`);
    };
    walk(manifestSchema.definitions, '#');
    // Connection.spec is a discriminated union; its branches are closed.
    expect(open).toEqual(['#/Connection/properties/spec']);
    expect(undocumented.filter((p) => !p.endsWith('.kind') && !p.endsWith('.type'))).toEqual([]);
  });

  it('accepts a minimal agent and dispatches errors by kind', () => {
    const agent = {
      apiVersion: 'troupe.dev/v1',
      kind: 'Agent',
      metadata: { name: 'a' },
      spec: { handler: './h.ts', subscribe: [{ type: 'A' }] },
    };
    const validateManifestDocument = manifestDocumentValidator();
    expect(validateManifestDocument(agent)).toBe(true);
    expect(validateManifestDocument({ ...agent, spec: { handler: './h.ts' } })).toBe(false);
    const paths = (validateManifestDocument.errors ?? []).map(
      (e) => `${e.keyword}:${e.instancePath}`,
    );
    // Only the Agent branch speaks: no errors from the other kinds' definitions.
    expect(paths).toEqual(['required:/spec']);
  });
});
