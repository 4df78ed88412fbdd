import { ErrorCode, createEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { checkSize, eventBytes } from './size-guard.js';

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
