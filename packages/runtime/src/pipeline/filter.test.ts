import { createEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { matchesSubscriptions, valueAtPath } from './filter.js';

const ev = createEvent({
  type: 'SQLGenerated',
  data: { dialect: 'sqlite', meta: { n: 2, ok: false, z: null } },
});

describe('valueAtPath', () => {
  it('reads dotted paths from the event root', () => {
    expect(valueAtPath(ev, 'data.dialect')).toBe('sqlite');
    expect(valueAtPath(ev, 'data.meta.n')).toBe(2);
    expect(valueAtPath(ev, 'type')).toBe('SQLGenerated');
  });
  it('is undefined for missing steps and through non-objects', () => {
    expect(valueAtPath(ev, 'data.nope.x')).toBeUndefined();
    expect(valueAtPath(ev, 'data.dialect.length')).toBeUndefined();
    expect(valueAtPath(ev, 'data.toString')).toBeUndefined();
  });
});

describe('matchesSubscriptions', () => {
  it('accepts a subscription without where', () => {
    expect(matchesSubscriptions(ev, [{ type: 'SQLGenerated' }])).toBe(true);
  });
  it('requires every where path to be equal (strict)', () => {
    expect(
      matchesSubscriptions(ev, [
        { type: 'SQLGenerated', where: { 'data.dialect': 'sqlite', 'data.meta.n': 2 } },
      ]),
    ).toBe(true);
    expect(
      matchesSubscriptions(ev, [{ type: 'SQLGenerated', where: { 'data.dialect': 'postgres' } }]),
    ).toBe(false);
    expect(
      matchesSubscriptions(ev, [{ type: 'SQLGenerated', where: { 'data.meta.n': '2' } }]),
    ).toBe(false);
    expect(
      matchesSubscriptions(ev, [
        { type: 'SQLGenerated', where: { 'data.meta.ok': false, 'data.meta.z': null } },
      ]),
    ).toBe(true);
    expect(
      matchesSubscriptions(ev, [{ type: 'SQLGenerated', where: { 'data.missing': null } }]),
    ).toBe(false);
  });
  it('matches when any subscription of the type matches, ignoring other types', () => {
    const subs = [
      { type: 'Other' },
      { type: 'SQLGenerated', where: { 'data.dialect': 'postgres' } },
      { type: 'SQLGenerated', where: { 'data.dialect': 'sqlite' } },
    ];
    expect(matchesSubscriptions(ev, subs)).toBe(true);
    expect(matchesSubscriptions(ev, subs.slice(0, 2))).toBe(false);
  });
});
