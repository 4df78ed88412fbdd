import {
  API_VERSION,
  ErrorCode,
  createEvent,
  type EventTypeManifest,
  type EventTypeSpec,
  type LoadedManifest,
} from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { SchemaRegistry } from './schema-guard.js';

function et(name: string, spec: EventTypeSpec): LoadedManifest<EventTypeManifest> {
  return {
    manifest: { apiVersion: API_VERSION, kind: 'EventType', metadata: { name }, spec },
    location: { file: '/x.yaml', line: 1, column: 1 },
    file: '/x.yaml',
    projectRoot: '/',
  };
}

const textSchema = {
  type: 'object',
  required: ['text'],
  properties: { text: { type: 'string', minLength: 1 } },
};

describe('SchemaRegistry', () => {
  it('accepts valid payloads and types without a schema or EventType', () => {
    const r = new SchemaRegistry();
    r.update([et('Text', { schema: textSchema }), et('Free', {})]);
    expect(r.check(createEvent({ type: 'Text', data: { text: 'hi' } }))).toBeUndefined();
    expect(r.check(createEvent({ type: 'Free', data: 42 }))).toBeUndefined();
    expect(r.check(createEvent({ type: 'Undeclared', data: null }))).toBeUndefined();
  });
  it('rejects invalid payloads with reason schema and every problem named', () => {
    const r = new SchemaRegistry();
    r.update([et('Text', { schema: textSchema })]);
    const rej = r.check(createEvent({ type: 'Text', data: { text: '' } }))!;
    expect(rej.reason).toBe('schema');
    expect(rej.error.code).toBe(ErrorCode.SchemaInvalid);
    expect(rej.error.retryable).toBe(false);
    expect(rej.error.data).toMatchObject({
      type: 'Text',
      errors: ['data/text must NOT have fewer than 1 characters'],
    });
    expect(r.problems('Text', {})).toEqual(["data must have required property 'text'"]);
  });
  it('supports formats', () => {
    const r = new SchemaRegistry();
    r.update([et('Mail', { schema: { type: 'string', format: 'email' } })]);
    expect(r.problems('Mail', 'a@b.co')).toEqual([]);
    expect(r.problems('Mail', 'nope')).toHaveLength(1);
  });
  it('knows which types may be published from outside', () => {
    const r = new SchemaRegistry();
    r.update([et('In', { entry: true }), et('Mid', {})]);
    expect(r.isPublishable('In')).toBe(true);
    expect(r.isPublishable('Mid')).toBe(false);
    expect(r.isPublishable('Undeclared')).toBe(true);
    expect(r.has('Mid')).toBe(true);
  });
  it('replaces the declared types on update', () => {
    const r = new SchemaRegistry();
    r.update([et('Text', { schema: textSchema })]);
    r.update([et('Text', { schema: { type: 'number' } })]);
    expect(r.problems('Text', 3)).toEqual([]);
    r.update([]);
    expect(r.has('Text')).toBe(false);
    expect(r.problems('Text', 'anything')).toEqual([]);
  });
  it('throws at update on a schema ajv cannot compile', () => {
    const r = new SchemaRegistry();
    expect(() => r.update([et('Bad', { schema: { type: 'nonsense' } })])).toThrow();
  });
});
