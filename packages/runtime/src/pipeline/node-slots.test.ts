import { describe, expect, it, vi } from 'vitest';
import { NodeSlots } from './node-slots.js';
import { Wake } from './wake.js';

describe('NodeSlots', () => {
  it('grants at most the free slots and tells listeners on release', () => {
    const s = new NodeSlots(5);
    const l = vi.fn();
    const off = s.onRelease(l);
    expect(s.tryAcquire(3)).toBe(3);
    expect(s.tryAcquire(3)).toBe(2);
    expect(s.tryAcquire(1)).toBe(0);
    s.release(0);
    expect(l).not.toHaveBeenCalled();
    s.release(4);
    expect(l).toHaveBeenCalledTimes(1);
    expect(s.used).toBe(1);
    off();
    s.release(1);
    expect(l).toHaveBeenCalledTimes(1);
  });
  it('refuses a bad capacity', () => {
    expect(() => new NodeSlots(0)).toThrow(/capacity must be an integer >= 1/);
  });
});

describe('Wake', () => {
  it('resolves on notify, on timeout, and remembers a notify that came first', async () => {
    const w = new Wake();
    const p = w.wait();
    w.notify();
    await p;
    const t0 = Date.now();
    await w.wait(30);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    w.notify();
    const t1 = Date.now();
    await w.wait(1000);
    expect(Date.now() - t1).toBeLessThan(100);
  });
});
