// Time windows relative to an anchor: every phrase family, year boundaries, months and quarters
// without a year (the latest one not after the anchor), "may" as a verb, and overlaps.
import { describe, expect, it } from 'vitest';
import { findTimeWindows, isDay, parseCount } from './time-window.js';

const win = (text: string, anchor = '2026-09-30'): [string, string][] =>
  findTimeWindows(text, anchor).map((m) => [m.window.from, m.window.to]);

describe('findTimeWindows (anchor 2026-09-30 unless stated)', () => {
  it.each([
    ['last quarter', '2026-04-01', '2026-07-01'],
    ['in the previous quarter', '2026-04-01', '2026-07-01'],
    ['this quarter', '2026-07-01', '2026-10-01'],
    ['this year', '2026-01-01', '2026-10-01'],
    ['year to date', '2026-01-01', '2026-10-01'],
    ['ytd', '2026-01-01', '2026-10-01'],
    ['last year', '2025-01-01', '2026-01-01'],
    ['this month', '2026-09-01', '2026-10-01'],
    ['last month', '2026-08-01', '2026-09-01'],
    ['in 2025', '2025-01-01', '2026-01-01'],
    ['last 6 months', '2026-04-01', '2026-10-01'],
    ['over the past twelve months', '2025-10-01', '2026-10-01'],
    ['last 7 days', '2026-09-24', '2026-10-01'],
    ['last 2 weeks', '2026-09-17', '2026-10-01'],
    ['last 2 quarters', '2026-04-01', '2026-10-01'],
    ['last 2 years', '2025-01-01', '2026-10-01'],
    ['in march 2026', '2026-03-01', '2026-04-01'],
    ['dec 2025', '2025-12-01', '2026-01-01'],
    ['in march', '2026-03-01', '2026-04-01'],
    ['in october', '2025-10-01', '2025-11-01'],
    ['q1 2026', '2026-01-01', '2026-04-01'],
    ['in q4', '2025-10-01', '2026-01-01'],
    ['since 2026-03-15', '2026-03-15', '2026-10-01'],
    ['since 2025', '2025-01-01', '2026-10-01'],
  ])('%s → [%s, %s)', (text, from, to) => {
    expect(win(text)).toEqual([[from, to]]);
  });

  it('crosses year boundaries: last quarter and last month in January', () => {
    expect(win('last quarter', '2026-01-15')).toEqual([['2025-10-01', '2026-01-01']]);
    expect(win('last month', '2026-01-15')).toEqual([['2025-12-01', '2026-01-01']]);
  });

  it('"may" alone is a verb, "may 2026" a month; finds several, left to right, without overlaps', () => {
    expect(win('what may sell')).toEqual([]);
    expect(win('may 2026')).toEqual([['2026-05-01', '2026-06-01']]);
    expect(win('in 2025 and last month')).toEqual([
      ['2025-01-01', '2026-01-01'],
      ['2026-08-01', '2026-09-01'],
    ]);
    expect(win('top 5 products')).toEqual([]);
  });

  it('ignores impossible dates and zero counts', () => {
    expect(win('since 2026-02-30')).toEqual([]);
    expect(win('last 0 days')).toEqual([]);
  });
});

describe('helpers', () => {
  it('isDay and parseCount', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('26-1-1')).toBe(false);
    expect(parseCount('five')).toBe(5);
    expect(parseCount('12')).toBe(12);
    expect(parseCount('many')).toBeUndefined();
  });
});
