// The janitor's type list: consumed types stay, appended ones are a bounded set that evicts the
// least recently appended type first.
import { describe, expect, it } from 'vitest';
import { MAX_APPENDED_TYPES, TrimTargets } from './trim-targets.js';

describe('TrimTargets', () => {
  it('lists consumed and appended types once each, consumed first', () => {
    const t = new TrimTargets();
    expect(t.list()).toEqual([]);
    t.appended('done');
    t.consumed('g1', ['in', 'done']);
    t.appended('done');
    t.appended('other');
    expect(t.list()).toEqual(['in', 'done', 'other']);
    t.consumed('g2', ['in']);
    t.consumed('g1', ['more']);
    expect(t.groups()).toEqual(['g1', 'g2']);
  });

  it('keeps at most the bound of appended types, evicting the least recently appended', () => {
    const t = new TrimTargets(3);
    for (const type of ['a', 'b', 'c']) t.appended(type);
    t.appended('a'); // refreshed: b is now the oldest
    t.appended('d');
    expect(t.list()).toEqual(['c', 'a', 'd']);
    t.appended('e');
    expect(t.list()).toEqual(['a', 'd', 'e']);
  });

  it('never evicts consumed types, whatever is appended', () => {
    const t = new TrimTargets(1);
    t.consumed('g1', ['in']);
    t.appended('x');
    t.appended('y');
    expect(t.list()).toEqual(['in', 'y']);
  });

  it('is bounded by default', () => {
    const t = new TrimTargets();
    for (let i = 0; i < MAX_APPENDED_TYPES + 10; i++) t.appended(`t${i}`);
    const list = t.list();
    expect(list).toHaveLength(MAX_APPENDED_TYPES);
    expect(list[0]).toBe('t10');
  });
});
