// Conformance cases for the happy path: publish and consume, work sharing inside a group,
// fan-out across groups, acknowledgement, ordering, backpressure, dedupe, observe, stats,
// correlation counts and option validation.
import { ErrorCode, TroupeError, type CloudEvent } from '@troupe/core';
import type { ConformanceKit, Vitest } from './conformance-kit.js';
import type { Delivery } from './contract.js';

const ids = (ds: readonly Delivery[]): string[] => ds.map((d) => d.event.id);

export function defineCoreCases({ it, expect }: Vitest, k: ConformanceKit): void {
  it('delivers published events intact, attempt 1, from their type stream', async () => {
    const A = k.type('A');
    const c = await k.consumer(k.group('g'), [A]);
    const events = [
      k.event(A, { n: 1, nested: { ok: true } }),
      k.event(A, { n: 2 }),
      k.event(A, [1, 'x', null]),
    ];
    await k.setup().transport.publish(events);
    const got = await k.collect(c, 3);
    expect(got.map((d) => d.event)).toEqual(events);
    for (const d of got) {
      expect(d.attempt).toBe(1);
      expect(d.stream).toBe(A);
      expect(typeof d.entryId).toBe('string');
    }
  });

  it('fetch resolves as soon as an event arrives, and returns [] after blockMs when none does', async () => {
    const A = k.type('A');
    const c = await k.consumer(k.group('g'), [A]);
    let t0 = Date.now();
    expect(await c.fetch(10, 150)).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(120);
    const pending = c.fetch(10, 5000);
    await k.sleep(50);
    t0 = Date.now();
    await k.setup().transport.publish([k.event(A)]);
    const got = await pending;
    expect(got).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('one group reads all of its types in one fetch; other types are not delivered', async () => {
    const [A, B, C] = [k.type('A'), k.type('B'), k.type('C')];
    const c = await k.consumer(k.group('g'), [A, B]);
    await k.setup().transport.publish([k.event(A), k.event(C), k.event(B)]);
    const got = await c.fetch(10, 1000);
    const more = got.length < 2 ? await k.collect(c, 2 - got.length) : [];
    const all = [...got, ...more];
    expect(all.map((d) => d.event.type).sort()).toEqual([A, B].sort());
    expect(await c.fetch(10, 200)).toEqual([]);
  });

  it('consumers of one group share the work: no entry goes to two of them', async () => {
    const A = k.type('A');
    const g = k.group('g');
    const c1 = await k.consumer(g, [A], 'node-1');
    const c2 = await k.consumer(g, [A], 'node-2');
    const events = Array.from({ length: 20 }, (_, i) => k.event(A, { i }));
    await k.setup().transport.publish(events);
    const seen: Delivery[][] = [[], []];
    const deadline = Date.now() + 5000;
    while (seen[0]!.length + seen[1]!.length < 20 && Date.now() < deadline) {
      seen[0]!.push(...(await c1.fetch(5, 100)));
      seen[1]!.push(...(await c2.fetch(5, 100)));
    }
    const all = [...ids(seen[0]!), ...ids(seen[1]!)];
    expect(all).toHaveLength(20);
    expect(new Set(all).size).toBe(20);
    expect(seen[0]!.length).toBeGreaterThan(0);
    expect(seen[1]!.length).toBeGreaterThan(0);
  });

  it('every group gets every event', async () => {
    const A = k.type('A');
    const c1 = await k.consumer(k.group('one'), [A]);
    const c2 = await k.consumer(k.group('two'), [A]);
    const events = Array.from({ length: 5 }, (_, i) => k.event(A, { i }));
    await k.setup().transport.publish(events);
    expect(ids(await k.collect(c1, 5))).toEqual(events.map((e) => e.id));
    expect(ids(await k.collect(c2, 5))).toEqual(events.map((e) => e.id));
  });

  it('committed entries never come back, even after the visibility timeout', async () => {
    const A = k.type('A');
    const g = k.group('g');
    const c = await k.consumer(g, [A]);
    await k.setup().transport.publish([k.event(A), k.event(A)]);
    const got = await k.collect(c, 2);
    for (const d of got) expect(await c.commit(d, [])).toBe('committed');
    await k.sleep(k.vt * 1.5);
    expect(await c.fetch(10, 200)).toEqual([]);
    const other = await k.consumer(g, [A], 'node-2');
    expect(await other.fetch(10, 200)).toEqual([]);
    expect((await k.setup().transport.stats(g, [A])).pending).toBe(0);
  });

  it('keeps stream order for one consumer', async () => {
    const A = k.type('A');
    const c = await k.consumer(k.group('g'), [A]);
    const events = Array.from({ length: 50 }, (_, i) => k.event(A, { i }));
    await k.setup().transport.publish(events);
    const seen: string[] = [];
    while (seen.length < 50) {
      const batch = await c.fetch(7, 1000);
      expect(batch.length).toBeGreaterThan(0);
      for (const d of batch) {
        seen.push(d.event.id);
        await c.commit(d, []);
      }
    }
    expect(seen).toEqual(events.map((e) => e.id));
  });

  it('backpressure: fetch never returns more than max; unread entries stay in the stream', async () => {
    const A = k.type('A');
    const g = k.group('g');
    const c = await k.consumer(g, [A]);
    await k.setup().transport.publish(Array.from({ length: 10 }, (_, i) => k.event(A, { i })));
    await k.sleep(20);
    const first = await c.fetch(3, 1000);
    expect(first).toHaveLength(3);
    const stats = await k.setup().transport.stats(g, [A]);
    expect(stats.pending).toBe(3);
    expect(stats.lag).toBe(7);
    const rest = await k.collect(c, 7, 3000, 100);
    expect(rest).toHaveLength(7);
    expect(await c.fetch(100, 100)).toEqual([]);
  });

  it('dedupe: the same event id published twice is handled once per group', async () => {
    const A = k.type('A');
    const c1 = await k.consumer(k.group('one'), [A]);
    const c2 = await k.consumer(k.group('two'), [A]);
    const e = k.event(A);
    await k.setup().transport.publish([e]);
    await k.setup().transport.publish([e]);
    for (const c of [c1, c2]) {
      const got = await c.fetch(10, 1000);
      expect(ids(got)).toEqual([e.id]);
      expect(await c.commit(got[0]!, [])).toBe('committed');
      expect(await c.fetch(10, 200)).toEqual([]);
    }
  });

  it('dedupe: committing the same input twice appends its emissions once', async () => {
    const [A, OUT] = [k.type('A'), k.type('OUT')];
    const c = await k.consumer(k.group('g'), [A]);
    const down = await k.consumer(k.group('down'), [OUT]);
    await k.setup().transport.publish([k.event(A)]);
    const [d] = await c.fetch(1, 1000);
    const emission = k.event(OUT, { from: d!.event.id });
    expect(await c.commit(d!, [emission])).toBe('committed');
    expect(await c.commit(d!, [emission])).toBe('duplicate');
    const got = await k.collect(down, 1);
    expect(ids(got)).toEqual([emission.id]);
    expect(got[0]!.event).toEqual(emission);
    await down.commit(got[0]!, []);
    expect(await down.fetch(10, Math.floor(k.vt / 2))).toEqual([]);
  });

  it('observe sees events of its types appended after it resolves, until closed', async () => {
    const [A, B] = [k.type('A'), k.type('B')];
    const t = k.setup().transport;
    await t.publish([k.event(A, { before: true })]);
    const seen: CloudEvent[] = [];
    const obs = await t.observe([A], (e) => seen.push(e));
    const e1 = k.event(A, { n: 1 });
    const e2 = k.event(A, { n: 2 });
    await t.publish([e1, k.event(B)]);
    await t.publish([e2]);
    const deadline = Date.now() + 3000;
    while (seen.length < 2 && Date.now() < deadline) await k.sleep(20);
    expect(seen).toEqual([e1, e2]);
    await obs.close();
    await t.publish([k.event(A, { after: true })]);
    await k.sleep(200);
    expect(seen).toHaveLength(2);
  });

  it('stats report pending, lag and dead letters of a group', async () => {
    const A = k.type('A');
    const g = k.group('g');
    const t = k.setup().transport;
    expect(await t.stats(g, [A])).toEqual({ pending: 0, lag: 0, deadLetters: 0 });
    const c = await k.consumer(g, [A]);
    await t.publish([k.event(A), k.event(A), k.event(A), k.event(A)]);
    await k.sleep(20);
    const [d1, d2] = await c.fetch(2, 1000);
    expect(await t.stats(g, [A])).toEqual({ pending: 2, lag: 2, deadLetters: 0 });
    await c.commit(d1!, []);
    await c.deadLetter(d2!, { reason: 'non-retryable', attempts: 1 });
    expect(await t.stats(g, [A])).toEqual({ pending: 0, lag: 2, deadLetters: 1 });
  });

  it('countCorrelation adds up per correlation id', async () => {
    const t = k.setup().transport;
    const a = k.group('corr-a');
    const b = k.group('corr-b');
    expect(await t.countCorrelation(a, 2)).toBe(2);
    expect(await t.countCorrelation(a, 3)).toBe(5);
    expect(await t.countCorrelation(b, 1)).toBe(1);
  });

  it('startFrom: a new group reads retained history only with earliest', async () => {
    const A = k.type('A');
    const holder = await k.consumer(k.group('holder'), [A]);
    const events = [k.event(A), k.event(A)];
    await k.setup().transport.publish(events);
    const t = k.setup().transport;
    const early = await t.consume({
      group: k.group('early'),
      types: [A],
      consumer: 'n',
      visibilityTimeoutMs: k.vt,
      startFrom: 'earliest',
    });
    const late = await k.consumer(k.group('late'), [A]);
    expect(ids(await k.collect(early, 2))).toEqual(events.map((e) => e.id));
    expect(await late.fetch(10, 200)).toEqual([]);
    await early.close();
    expect(await k.collect(holder, 2)).toHaveLength(2);
  });

  it('rejects bad consumer options with INVALID_OPTION naming the field', async () => {
    const t = k.setup().transport;
    const base = { group: 'g', types: ['A'], consumer: 'n', visibilityTimeoutMs: 1000 };
    for (const [field, bad] of [
      ['visibilityTimeoutMs', { ...base, visibilityTimeoutMs: 0 }],
      ['types', { ...base, types: [] }],
      ['group', { ...base, group: '' }],
      ['consumer', { ...base, consumer: ' ' }],
    ] as const) {
      const err = await t.consume(bad).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TroupeError);
      expect((err as TroupeError).code).toBe(ErrorCode.InvalidOption);
      expect((err as TroupeError).message).toContain(field);
    }
  });
}
