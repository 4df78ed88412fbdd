import { describe, expect, it } from 'vitest';
import { compareStreamIds } from './stream-ids.js';

describe('compareStreamIds', () => {
  it('orders by milliseconds, then sequence, numerically', () => {
    expect(compareStreamIds('10-0', '9-0')).toBeGreaterThan(0);
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('5-10', '5-9')).toBeGreaterThan(0);
    expect(compareStreamIds('5-2', '5-2')).toBe(0);
    expect(compareStreamIds('0-0', '1700000000000-0')).toBeLessThan(0);
    expect(compareStreamIds('18446744073709551615-1', '18446744073709551615-0')).toBeGreaterThan(0);
  });
});
