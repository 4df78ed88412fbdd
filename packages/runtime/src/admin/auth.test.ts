import { describe, expect, it } from 'vitest';
import { bearerOf, isLoopbackHost, tokensMatch } from './auth.js';
import { checkExposure } from './server.js';

describe('auth helpers', () => {
  it('compares tokens by value only (different lengths included)', () => {
    expect(tokensMatch('s3cret', 's3cret')).toBe(true);
    expect(tokensMatch('s3cret', 's3cre')).toBe(false);
    expect(tokensMatch('s3cret', 's3cretx')).toBe(false);
    expect(tokensMatch('s3cret', '')).toBe(false);
  });

  it('reads bearer tokens case-insensitively and nothing else', () => {
    expect(bearerOf('Bearer abc')).toBe('abc');
    expect(bearerOf('bearer   abc ')).toBe('abc');
    expect(bearerOf('Basic abc')).toBeUndefined();
    expect(bearerOf('Bearer a b')).toBeUndefined();
    expect(bearerOf(undefined)).toBeUndefined();
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.4', false],
    ['example.com', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it('refuses a non-loopback host without a token, naming TROUPE_TOKEN', () => {
    expect(() => checkExposure('0.0.0.0', undefined)).toThrow(/set TROUPE_TOKEN/);
    expect(() => checkExposure('10.0.0.1', '')).toThrow(/without a token/);
    expect(() => checkExposure('0.0.0.0', 't')).not.toThrow();
    expect(() => checkExposure('127.0.0.1', undefined)).not.toThrow();
  });
});
