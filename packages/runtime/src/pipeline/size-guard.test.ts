import { ErrorCode, createEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { checkSize, eventBytes, jsonBytesBound } from './size-guard.js';

describe('checkSize', () => {
  it('measures the JSON envelope in UTF-8 bytes', () => {
    const ev = createEvent({ type: 'T', data: { s: 'é' } });
    expect(eventBytes(ev)).toBe(Buffer.byteLength(JSON.stringify(ev)));
    expect(eventBytes(ev)).toBe(JSON.stringify(ev).length + 1);
  });
  it('passes at the limit and rejects one byte over with reason oversized', () => {
    const ev = createEvent({ type: 'T', data: { s: 'x'.repeat(1000) } });
    const n = eventBytes(ev);
    expect(checkSize(ev, n)).toBeUndefined();
    const r = checkSize(ev, n - 1)!;
    expect(r.reason).toBe('oversized');
    expect(r.error).toMatchObject({
      code: ErrorCode.PayloadTooLarge,
      retryable: false,
      data: { bytes: n, limit: n - 1 },
    });
  });
});

describe('jsonBytesBound', () => {
  const samples: unknown[] = [
    createEvent({ type: 'T', data: { n: 1, s: 'x'.repeat(160), ok: true, none: null } }),
    { s: '\u0001\u0002"\\\n', 'k\u0000"': ['é', '😀', -1.2345678901234e-300, false] },
    [[], {}, [null, [1, [2, [3]]]], 'a'.repeat(1000)],
    { gone: undefined, f: () => 1, kept: 1 },
    '\u00ff'.repeat(50),
    Number.MAX_VALUE,
  ];
  it.each(samples.map((v, i) => [i, v]))(
    'bounds the exact UTF-8 JSON size from above (#%i)',
    (_, v) => {
      const exact = Buffer.byteLength(JSON.stringify(v), 'utf8');
      expect(jsonBytesBound(v, Infinity)).toBeGreaterThanOrEqual(exact);
    },
  );
  it('gives up (Infinity) past the limit, on toJSON and on bigint', () => {
    expect(jsonBytesBound({ s: 'x'.repeat(100) }, 50)).toBe(Infinity);
    expect(jsonBytesBound({ at: new Date(0) }, 1e6)).toBe(Infinity);
    expect(jsonBytesBound({ n: 1n }, 1e6)).toBe(Infinity);
  });
  it('an event under the limit whose bound is over it is measured exactly and passes', () => {
    // 900 '"' characters: the bound counts 6 bytes each (5,400+), the JSON is 1,800 + envelope.
    const ev = createEvent({ type: 'T', data: { s: '"'.repeat(900) } });
    const n = eventBytes(ev);
    expect(jsonBytesBound(ev, n)).toBe(Infinity);
    expect(checkSize(ev, n)).toBeUndefined();
    expect(checkSize(ev, n - 1)?.reason).toBe('oversized');
  });
  it('a cyclic event still fails as JSON.stringify does', () => {
    const data: Record<string, unknown> = {};
    data.self = data;
    const ev = createEvent({ type: 'T', data });
    expect(() => checkSize(ev, 1e6)).toThrow(TypeError);
  });
});
