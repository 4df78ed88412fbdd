import { ErrorCode, createEvent, type CloudEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { checkHops } from './hop-guard.js';

const at = (hops: number): CloudEvent => ({ ...createEvent({ type: 'Ping', data: {} }), hops });

describe('checkHops', () => {
  it('passes events at or under the limit', () => {
    expect(checkHops(at(0), 'a', 3, 'n1')).toBeUndefined();
    expect(checkHops(at(3), 'a', 3, 'n1')).toBeUndefined();
  });
  it('rejects over the limit with reason hop-limit and a loop.detected event in the same correlation', () => {
    const ev = at(4);
    const r = checkHops(ev, 'pinger', 3, 'n1')!;
    expect(r.reason).toBe('hop-limit');
    expect(r.error).toMatchObject({
      code: ErrorCode.HopLimit,
      retryable: false,
      data: { hops: 4, maxHops: 3 },
    });
    expect(r.emissions).toHaveLength(1);
    const sys = r.emissions![0]!;
    expect(sys).toMatchObject({
      type: 'troupe.loop.detected',
      correlationid: ev.correlationid,
      causationid: ev.id,
      hops: 0,
      source: 'troupe://node/n1',
      data: { agent: 'pinger', type: 'Ping', hops: 4, maxHops: 3, eventId: ev.id },
    });
  });
});
