import { describe, expect, it } from 'vitest';
import { MAX_DIFF_LINES, lineDiff } from './line-diff.js';

describe('lineDiff', () => {
  it('is empty for equal text', () => {
    expect(lineDiff('a\nb\n', 'a\nb\n')).toBe('');
  });

  it('keeps common lines as context and marks changes', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nB\nc\nd\n')).toBe(' a\n-b\n+B\n c\n+d\n');
  });

  it('shows a creation as all added', () => {
    expect(lineDiff('', 'x\ny\n')).toBe('+x\n+y\n');
  });

  it('does not build the table for huge inputs', () => {
    const big = Array.from({ length: MAX_DIFF_LINES + 1 }, (_, i) => `l${i}`).join('\n');
    const d = lineDiff(big, 'z');
    expect(d.startsWith('-l0\n')).toBe(true);
    expect(d.endsWith('+z\n')).toBe(true);
  });
});
