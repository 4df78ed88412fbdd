// Conformance cases for failure handling: redelivery after a crash (and not while the owner
// heartbeats), a restarted consumer taking back its own pending entries, zombie commits,
// delayed retries, dead letters, redrive, purge, and durability across a transport restart.
import type { ConformanceKit, Vitest } from './conformance-kit.js';
import { DEAD_LETTER_FIELDS } from './contract.js';

export function defineFailureCases({ it, expect }: Vitest, k: ConformanceKit): void {
  it('redelivers to another consumer after the visibility timeout when the first crashed', async () => {
    const A = k.type('A');
    const g = k.group('g');
    const c1 = await k.consumer(g, [A], 'node-1');
    const c2 = await k.consumer(g, [A], 'node-2');
    const e = k.event(A);
    await k.setup().transport.publish([e]);
    const [first] = await c1.fetch(1, 1000);
    expect(first!.attempt).toBe(1);
    await c1.close(); // crash: never settled
    expect(await c2.fetch(10, Math.floor(k.vt / 3))).toEqual([]);
    const t0 = Date.now();
    const [again] = await k.collect(c2, 1, k.vt * 10);
    expect(again!.event).toEqual(e);
    expect(again!.attempt).toBe(2);
    expect(Date.now() - t0).toBeLessThan(k.vt * 5);
    expect(await c2.commit(again!, [])).toBe('committed');
  });

  it('never reclaims an entry whose consumer still heartbeats', async () => {
    const A = k.type('A');
    const g = k.group('g');
    const c1 = await k.consumer(g, [A], 'node-1');
    const c2 = await k.consumer(g, [A], 'node-2');
    await k.setup().transport.publish([k.event(A)]);
    const [d] = await c1.fetch(1, 1000);
    const until = Date.now() + k.vt * 3;
    const stolen = [];
    while (Date.now() < until) {
      await c1.heartbeat([d!]);
      stolen.push(...(await c2.fetch(10, Math.floor(k.vt / 3))));
    }
    expect(stolen).toEqual([]);
    expect(await c1.commit(d!, [])).toBe('committed');
    expect(await c2.fetch(10, k.vt * 1.5)).toEqual([]);
  });

  it('a restarted consumer (same name) gets its own pending entries back at once', async () => {
    const A = k.type('A');
    const g = k.group('g');
    const c1 = await k.consumer(g, [A], 'node-1');
    const e = k.event(A);
    await k.setup().transport.publish([e]);
    await c1.fetch(1, 1000);
    await c1.close();
    const again = await k.consumer(g, [A], 'node-1');
    const t0 = Date.now();
    const got = await again.fetch(10, 1000);
    expect(got.map((d) => d.event.id)).toEqual([e.id]);
    expect(got[0]!.attempt).toBe(2);
    expect(Date.now() - t0).toBeLessThan(k.vt);
  });

  it('a zombie consumer cannot append emissions twice after its entry was reclaimed and committed', async () => {
    const [A, OUT] = [k.type('A'), k.type('OUT')];
    const g = k.group('g');
    const zombie = await k.consumer(g, [A], 'node-1');
    const live = await k.consumer(g, [A], 'node-2');
    const down = await k.consumer(k.group('down'), [OUT]);
    await k.setup().transport.publish([k.event(A)]);
    const [z] = await zombie.fetch(1, 1000);
    const [l] = await k.collect(live, 1, k.vt * 10); // zombie paused past the timeout
    expect(l!.event.id).toBe(z!.event.id);
    const out = k.event(OUT, { n: 1 });
    expect(await live.commit(l!, [out])).toBe('committed');
    expect(await zombie.commit(z!, [out])).toBe('duplicate');
    const got = await k.collect(down, 1);
    expect(got.map((d) => d.event.id)).toEqual([out.id]);
    await down.commit(got[0]!, []);
    expect(await down.fetch(10, Math.floor(k.vt / 2))).toEqual([]);
  });

  it('retry redelivers the same event to this group only, after the delay, with attempt + 1', async () => {
    const A = k.type('A');
    const g = k.group('g');
    const c = await k.consumer(g, [A]);
    const other = await k.consumer(k.group('other'), [A]);
    const e = k.event(A);
    await k.setup().transport.publish([e]);
    const [d] = await c.fetch(1, 1000);
    const [o] = await other.fetch(1, 1000);
    await other.commit(o!, []);
    const t0 = Date.now();
    await c.retry(d!, 400, k.error());
    expect(await c.fetch(10, 150)).toEqual([]);
    const [r] = await k.collect(c, 1, 3000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(r!.event).toEqual(e);
    expect(r!.attempt).toBe(2);
    await c.retry(r!, 0, k.error());
    const [r3] = await k.collect(c, 1, 2000);
    expect(r3!.attempt).toBe(3);
    expect(await c.commit(r3!, [])).toBe('committed');
    expect(await other.fetch(10, 200)).toEqual([]);
    expect((await k.setup().transport.stats(g, [A])).pending).toBe(0);
  });

  it('a retried entry that is not settled is reclaimed with its attempt still counted', async () => {
    const A = k.type('A');
    const g = k.group('g');
    const c1 = await k.consumer(g, [A], 'node-1');
    const c2 = await k.consumer(g, [A], 'node-2');
    await k.setup().transport.publish([k.event(A)]);
    const [d] = await c1.fetch(1, 1000);
    await c1.retry(d!, 0, k.error());
    const [r] = await k.collect(c1, 1, 2000);
    expect(r!.attempt).toBe(2);
    await c1.close();
    const [again] = await k.collect(c2, 1, k.vt * 10);
    expect(again!.event.id).toBe(d!.event.id);
    expect(again!.attempt).toBe(3);
  });

  it('dead letter keeps the event intact with reason, agent, source stream, attempts and error', async () => {
    const [A, SYS] = [k.type('A'), k.type('SYS')];
    const g = k.group('g');
    const t = k.setup().transport;
    const c = await k.consumer(g, [A]);
    const sys = await k.consumer(k.group('sys'), [SYS]);
    const e = k.event(A, { payload: [1, 2, 3] });
    await t.publish([e]);
    const [d] = await c.fetch(1, 1000);
    const error = k.error('it broke');
    const note = k.event(SYS, { deadLettered: e.id });
    await c.deadLetter(d!, { reason: 'retries-exhausted', attempts: 5, error }, [note]);
    const letters = await t.deadLetters(g);
    expect(letters).toHaveLength(1);
    const l = letters[0]!;
    expect(l.event).toEqual(e);
    expect(l).toMatchObject({
      reason: 'retries-exhausted',
      agent: g,
      sourceStream: A,
      attempts: 5,
      error,
    });
    expect(Number.isNaN(Date.parse(l.failedAt))).toBe(false);
    for (const f of DEAD_LETTER_FIELDS) expect(l).toHaveProperty(f);
    expect((await k.collect(sys, 1)).map((x) => x.event)).toEqual([note]);
    expect(await c.fetch(10, k.vt * 1.5)).toEqual([]);
    expect(await t.stats(g, [A])).toMatchObject({ pending: 0, deadLetters: 1 });
  });

  it('redrive re-delivers dead letters to that group only, ids unchanged, attempts restarted', async () => {
    const A = k.type('A');
    const [g1, g2] = [k.group('one'), k.group('two')];
    const t = k.setup().transport;
    const c1 = await k.consumer(g1, [A]);
    const c2 = await k.consumer(g2, [A]);
    const [e1, e2] = [k.event(A, { n: 1 }), k.event(A, { n: 2 })];
    await t.publish([e1, e2]);
    for (const d of await k.collect(c1, 2))
      await c1.deadLetter(d, { reason: 'non-retryable', attempts: 1 });
    for (const d of await k.collect(c2, 2)) await c2.commit(d, []);
    const letters = await t.deadLetters(g1);
    expect(letters.map((l) => l.event.id)).toEqual([e1.id, e2.id]);
    expect(await t.redrive(g1, [letters[1]!.id])).toBe(1);
    const [r] = await k.collect(c1, 1);
    expect(r!.event).toEqual(e2);
    expect(r!.attempt).toBe(1);
    expect((await t.deadLetters(g1)).map((l) => l.event.id)).toEqual([e1.id]);
    expect(await c1.commit(r!, [])).toBe('committed');
    expect(await t.redrive(g1)).toBe(1);
    const [r2] = await k.collect(c1, 1);
    expect(r2!.event).toEqual(e1);
    expect(await t.deadLetters(g1)).toEqual([]);
    expect(await c2.fetch(10, 200)).toEqual([]);
    expect(await t.redrive(g1)).toBe(0);
  });

  it('purge deletes the given dead letters, or all', async () => {
    const A = k.type('A');
    const g = k.group('g');
    const t = k.setup().transport;
    const c = await k.consumer(g, [A]);
    await t.publish([k.event(A), k.event(A), k.event(A)]);
    for (const d of await k.collect(c, 3)) await c.deadLetter(d, { reason: 'schema', attempts: 0 });
    const letters = await t.deadLetters(g);
    expect(letters).toHaveLength(3);
    expect(await t.deadLetters(g, { limit: 2 })).toHaveLength(2);
    expect(await t.purgeDeadLetters(g, [letters[0]!.id, 'no-such-id'])).toBe(1);
    expect(await t.purgeDeadLetters(g)).toBe(2);
    expect(await t.deadLetters(g)).toEqual([]);
    expect((await t.stats(g, [A])).deadLetters).toBe(0);
  });

  it('durable: unsettled and unread events survive a transport restart', async (ctx) => {
    const s = k.setup();
    if (!s.features.durable || !s.reopen) return ctx.skip();
    const A = k.type('A');
    const g = k.group('g');
    const c = await k.consumer(g, [A], 'node-1');
    const [e1, e2] = [k.event(A, { n: 1 }), k.event(A, { n: 2 })];
    await s.transport.publish([e1, e2]);
    await c.fetch(1, 1000);
    await c.close();
    const t2 = await s.reopen();
    try {
      const c2 = await t2.consume({
        group: g,
        types: [A],
        consumer: 'node-1',
        visibilityTimeoutMs: k.vt,
      });
      const got = await k.collect(c2, 2);
      expect(got.map((d) => d.event)).toEqual([e1, e2]);
      expect(got.map((d) => d.attempt)).toEqual([2, 1]);
      await c2.close();
    } finally {
      await t2.close();
    }
  });
}
