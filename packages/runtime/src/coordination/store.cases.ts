// The coordination store contract, run by both implementations (memory: store.test.ts, Redis:
// redis-store.int.test.ts): compare-and-set versions, TTL, deadlines claimed with a lease, and
// refusal after close.
import { ErrorCode } from '@troupe/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoordinationStore } from './store.js';

export interface StoreEnv {
  store: CoordinationStore;
  cleanup(): Promise<void>;
}

export function storeCases(name: string, makeEnv: () => Promise<StoreEnv>): void {
  describe(`coordination store: ${name}`, () => {
    let env: StoreEnv | undefined;
    afterEach(async () => {
      await env?.store.close();
      await env?.cleanup();
      env = undefined;
    });
    const store = async () => (env ??= await makeEnv()).store;

    it('compare-and-set: 0 creates, the current version updates, a stale version loses', async () => {
      const s = await store();
      expect(await s.get('agg/a', 'c1')).toBeUndefined();
      expect(await s.set('agg/a', 'c1', { n: 1 }, 0)).toBe(1);
      expect(await s.set('agg/a', 'c1', { n: 9 }, 0)).toBeUndefined();
      expect(await s.set('agg/a', 'c1', { n: 2 }, 1)).toBe(2);
      expect(await s.set('agg/a', 'c1', { n: 3 }, 1)).toBeUndefined();
      expect(await s.get('agg/a', 'c1')).toEqual({ version: 2, value: { n: 2 } });
      // Scopes and keys are independent.
      expect(await s.get('agg/b', 'c1')).toBeUndefined();
      expect(await s.get('agg/a', 'c2')).toBeUndefined();
    });

    it('a stored value is a copy: mutating the written object changes nothing', async () => {
      const s = await store();
      const v = { list: [1] };
      await s.set('x', 'k', v, 0);
      v.list.push(2);
      expect((await s.get<{ list: number[] }>('x', 'k'))!.value.list).toEqual([1]);
    });

    it('a write with ttlMs expires; a later write without one keeps it', async () => {
      const s = await store();
      await s.set('x', 'short', 1, 0, 100);
      await s.set('x', 'kept', 1, 0, 100);
      await s.set('x', 'kept', 2, 1);
      await new Promise((r) => setTimeout(r, 250));
      expect(await s.get('x', 'short')).toBeUndefined();
      expect(await s.get('x', 'kept')).toEqual({ version: 2, value: 2 });
    });

    it('claimDue returns due keys once per lease; unschedule and reschedule work', async () => {
      const s = await store();
      const now = Date.now();
      await s.schedule('sc', 'due1', now - 10);
      await s.schedule('sc', 'due2', now - 5);
      await s.schedule('sc', 'later', now + 60_000);
      expect((await s.claimDue('sc', now, 200, 10)).sort()).toEqual(['due1', 'due2']);
      // Leased: a second poller gets nothing until the lease lapses.
      expect(await s.claimDue('sc', now + 100, 200, 10)).toEqual([]);
      expect((await s.claimDue('sc', now + 201, 200, 10)).sort()).toEqual(['due1', 'due2']);
      await s.unschedule('sc', 'due1');
      await s.schedule('sc', 'due2', now + 120_000);
      expect(await s.claimDue('sc', now + 1000, 200, 10)).toEqual([]);
      expect(await s.claimDue('sc', now + 60_001, 200, 1)).toEqual(['later']);
      expect(await s.claimDue('other', now + 999_999, 200, 10)).toEqual([]);
    });

    it('claimDue honours the limit', async () => {
      const s = await store();
      for (let i = 0; i < 5; i++) await s.schedule('lim', `k${i}`, 1);
      expect(await s.claimDue('lim', 10, 1000, 3)).toHaveLength(3);
      expect(await s.claimDue('lim', 10, 1000, 3)).toHaveLength(2);
    });

    it('refuses to work after close', async () => {
      const s = await store();
      await s.close();
      await expect(s.get('x', 'k')).rejects.toMatchObject({ code: ErrorCode.InvalidOption });
      await expect(s.set('x', 'k', 1, 0)).rejects.toMatchObject({ code: ErrorCode.InvalidOption });
    });
  });
}
