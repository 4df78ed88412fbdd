import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, levenshtein } from './did-you-mean.js';

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'ab', 2],
    ['kitten', 'sitting', 3],
    ['subscrbe', 'subscribe', 1],
    ['Agnet', 'Agent', 1], // adjacent swap counts once
    ['same', 'same', 0],
  ])('%s -> %s = %i', (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
    expect(levenshtein(b, a)).toBe(d);
  });
});

describe('closestMatch', () => {
  const fields = ['handler', 'subscribe', 'emits', 'concurrency', 'timeoutMs', 'retry'];
  it('finds plausible typos', () => {
    expect(closestMatch('subscrbe', fields)).toBe('subscribe');
    expect(closestMatch('emit', fields)).toBe('emits');
    expect(closestMatch('timeoutms', fields)).toBe('timeoutMs');
    expect(closestMatch('Handler', fields)).toBe('handler');
  });
  it('offers nothing for unrelated names or exact matches', () => {
    expect(closestMatch('foo', fields)).toBeUndefined();
    expect(closestMatch('replicas', fields)).toBeUndefined();
    expect(closestMatch('retry', ['retry'])).toBeUndefined();
  });
  it('formats the hint', () => {
    expect(didYouMean('retyr', fields)).toBe("did you mean 'retry'?");
    expect(didYouMean('zzz', fields)).toBeUndefined();
  });
});
