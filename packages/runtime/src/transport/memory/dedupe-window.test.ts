import { describe, expect, it } from 'vitest';
import { DedupeWindow } from './dedupe-window.js';

describe('DedupeWindow', () => {
  it('forgets ids after the window', () => {
    let now = 0;
    const w = new DedupeWindow(1000, () => now);
    w.add('a');
    now = 999;
    expect(w.has('a')).toBe(true);
    now = 1000;
    expect(w.has('a')).toBe(false);
  });

  it('keeps at most maxEntries ids, dropping the oldest first', () => {
    const w = new DedupeWindow(60_000, () => 0, 3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) w.add(id);
    expect(w.size).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => w.has(id))).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  it('re-adding an id moves it to the back', () => {
    const w = new DedupeWindow(60_000, () => 0, 2);
    w.add('a');
    w.add('b');
    w.add('a');
    w.add('c');
    expect([w.has('a'), w.has('b'), w.has('c')]).toEqual([true, false, true]);
  });
});
