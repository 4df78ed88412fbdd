// Conformance cases for archive replay (`Transport.replay`): committed events re-delivered to one
// group only, ids intact, attempt counting restarted, the group's done marker cleared (otherwise
// dedupe would make replay a no-op) and set again by the replayed commit; a group that joins
// after the replay still gets it.
import type { ConformanceKit, Vitest } from './conformance-kit.js';

export function defineReplayCases({ it, expect }: Vitest, k: ConformanceKit): void {
  it('replay re-delivers committed events to that group only, ids intact, attempt 1', async () => {
    const A = k.type('A');
    const [g1, g2] = [k.group('one'), k.group('two')];
    const t = k.setup().transport;
    const c1 = await k.consumer(g1, [A]);
    const c2 = await k.consumer(g2, [A]);
    const [e1, e2] = [k.event(A, { n: 1 }), k.event(A, { n: 2 })];
    await t.publish([e1, e2]);
    for (const d of await k.collect(c1, 2)) expect(await c1.commit(d, [])).toBe('committed');
    for (const d of await k.collect(c2, 2)) await c2.commit(d, []);
    // Without replay, the same ids published again are duplicates for both groups.
    await t.publish([e1]);
    expect(await c1.fetch(10, 200)).toEqual([]);

    expect(await t.replay(g1, [e1, e2])).toBe(2);
    const got = await k.collect(c1, 2);
    expect(got.map((d) => d.event)).toEqual([e1, e2]);
    for (const d of got) expect(d.attempt).toBe(1);
    expect(await c2.fetch(10, 200)).toEqual([]);
    for (const d of got) expect(await c1.commit(d, [])).toBe('committed');
    // The replayed commit marks the ids done again.
    await t.publish([e2]);
    expect(await c1.fetch(10, 200)).toEqual([]);
    expect(await t.replay(g1, [])).toBe(0);
  });

  it('a replayed event that fails is retried like any other, in its group only', async () => {
    const A = k.type('A');
    const g = k.group('g');
    const t = k.setup().transport;
    const c = await k.consumer(g, [A]);
    const e = k.event(A);
    await t.publish([e]);
    const [d] = await k.collect(c, 1);
    await c.commit(d!, []);
    await t.replay(g, [e]);
    const [r] = await k.collect(c, 1);
    await c.retry(r!, 0, k.error());
    const [r2] = await k.collect(c, 1);
    expect(r2!.event).toEqual(e);
    expect(r2!.attempt).toBe(2);
    expect(await c.commit(r2!, [])).toBe('committed');
  });

  it('replay to a group that has not joined yet is delivered when it joins', async () => {
    const A = k.type('A');
    const g = k.group('late');
    const e = k.event(A, { early: true });
    expect(await k.setup().transport.replay(g, [e])).toBe(1);
    const c = await k.consumer(g, [A]);
    const [d] = await k.collect(c, 1);
    expect(d!.event).toEqual(e);
    expect(d!.attempt).toBe(1);
  });
}
