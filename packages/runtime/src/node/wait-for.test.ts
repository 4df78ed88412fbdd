import { ErrorCode, createEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { createMemoryTransport } from '../transport/memory/index.js';
import { waitForEvent } from './wait-for.js';

describe('waitForEvent', () => {
  it('resolves with the first event of a listed type in the correlation, ignoring others', async () => {
    const t = createMemoryTransport();
    const wait = await waitForEvent(t, 'c1', ['Done', 'Failed'], 5000);
    await t.publish([createEvent({ type: 'Done', data: 1, correlationId: 'other' })]);
    await t.publish([createEvent({ type: 'Progress', data: 2, correlationId: 'c1' })]);
    await t.publish([createEvent({ type: 'Failed', data: 3, correlationId: 'c1' })]);
    await t.publish([createEvent({ type: 'Done', data: 4, correlationId: 'c1' })]);
    expect(await wait.event).toMatchObject({ type: 'Failed', data: 3 });
    await t.close();
  });

  it('rejects with TIMEOUT naming the correlation id; cancel rejects the same way', async () => {
    const t = createMemoryTransport();
    const wait = await waitForEvent(t, 'c2', ['Done'], 50);
    await expect(wait.event).rejects.toMatchObject({
      code: ErrorCode.Timeout,
      message: 'no Done event for correlation c2 within 50 ms',
    });
    const w2 = await waitForEvent(t, 'c3', ['Done'], 5000);
    await w2.cancel();
    await expect(w2.event).rejects.toMatchObject({ code: ErrorCode.Timeout });
    await t.close();
  });

  it('refuses an empty type list and a bad timeout', async () => {
    const t = createMemoryTransport();
    await expect(waitForEvent(t, 'c', [], 10)).rejects.toMatchObject({
      code: ErrorCode.InvalidOption,
    });
    await expect(waitForEvent(t, 'c', ['A'], 0)).rejects.toMatchObject({
      code: ErrorCode.InvalidOption,
    });
    await t.close();
  });
});
