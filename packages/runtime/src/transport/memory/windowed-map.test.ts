import { describe, expect, it } from 'vitest';
import { WindowedMap } from './windowed-map.js';

describe('WindowedMap', () => {
  it('keeps a value for its window from when it was set, then forgets it', () => {
    let now = 0;
    const m = new WindowedMap<number>(1000, () => now);
    m.set('a', 1);
    now = 999;
    expect(m.get('a')).toBe(1);
    now = 1000;
    expect(m.get('a')).toBeUndefined();
    expect(m.size).toBe(0);
  });

  it('re-setting a key starts a new window and moves it to the back', () => {
    let now = 0;
    const m = new WindowedMap<string>(1000, () => now, 2);
    m.set('a', 'old');
    now = 500;
    m.set('b', 'b');
    m.set('a', 'new');
    now = 1200; // a's first window is over, its second is not
    expect(m.get('a')).toBe('new');
    m.set('c', 'c'); // over the bound: b is now the oldest live key
    expect([m.get('a'), m.get('b'), m.get('c')]).toEqual(['new', undefined, 'c']);
  });

  it('a deleted key is gone and its stale slot does not evict a later set of the same key', () => {
    const m = new WindowedMap<number>(60_000, () => 0, 2);
    m.set('a', 1);
    m.delete('a');
    expect(m.get('a')).toBeUndefined();
    m.set('a', 2);
    m.set('b', 3);
    expect([m.get('a'), m.get('b'), m.size]).toEqual([2, 3, 2]);
    m.set('c', 4); // evicts a's live slot (the oldest live), skipping its stale one
    expect([m.get('a'), m.get('b'), m.get('c')]).toEqual([undefined, 3, 4]);
  });

  it('stays bounded by count over many keys, evicting oldest first', () => {
    const m = new WindowedMap<number>(60_000, () => 0, 1000);
    for (let i = 0; i < 50_000; i++) m.set(`k${i}`, i);
    expect(m.size).toBe(1000);
    expect(m.slots).toBeLessThanOrEqual(2 * 1000 + 1024);
    expect(m.get('k48999')).toBeUndefined();
    expect(m.get('k49000')).toBe(49_000);
    expect(m.get('k49999')).toBe(49_999);
  });

  it('keys re-set over and over leave a bounded number of stale slots', () => {
    const m = new WindowedMap<number>(60_000, () => 0);
    for (let i = 0; i < 100_000; i++) m.set(`k${i % 10}`, i);
    expect(m.size).toBe(10);
    expect(m.slots).toBeLessThanOrEqual(2 * 10 + 1024 + 1);
    expect(m.get('k9')).toBe(99_999);
    expect(m.get('k0')).toBe(99_990);
  });

  it('evicts in constant time per set when full (no rescans of deleted entries)', () => {
    const m = new WindowedMap<number>(60_000, () => 0, 100_000);
    const t0 = performance.now();
    for (let i = 0; i < 400_000; i++) m.set(`id-${i}`, i);
    // The Map-iteration version took seconds here (each eviction walked the tombstones).
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(m.size).toBe(100_000);
  });
});
