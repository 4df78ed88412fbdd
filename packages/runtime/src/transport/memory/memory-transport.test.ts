// The in-memory transport runs the shared conformance suite, plus checks of what only it
// promises: bounded memory (settled entries leave), option validation, close semantics.
import { createEvent, ErrorCode } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { runTransportConformance } from '../conformance.js';
import { createMemoryTransport } from './memory-transport.js';

await runTransportConformance('memory', () => {
  const transport = createMemoryTransport();
  return Promise.resolve({
    transport,
    features: transport.features,
    cleanup: () => transport.close(),
  });
});

describe('memory transport specifics', () => {
  it('declares itself non-durable, single process', () => {
    expect(createMemoryTransport().features).toEqual({ durable: false, multiProcess: false });
  });

  it('rejects bad options naming the field', () => {
    expect(() => createMemoryTransport({ dedupeWindowMs: 0 })).toThrow(/dedupeWindowMs/);
    expect(() => createMemoryTransport({ budgetWindowMs: Number.NaN })).toThrow(/budgetWindowMs/);
  });

  it('a closed transport refuses publish and resolves blocked fetches with []', async () => {
    const t = createMemoryTransport();
    const c = await t.consume({
      group: 'g',
      types: ['A'],
      consumer: 'n',
      visibilityTimeoutMs: 1000,
    });
    const blocked = c.fetch(10, 10_000);
    await t.close();
    expect(await blocked).toEqual([]);
    await expect(t.publish([createEvent({ type: 'A', data: {} })])).rejects.toMatchObject({
      code: ErrorCode.TransportUnavailable,
    });
  });

  it('one publish of several types wakes every blocked group once, whichever types it reads', async () => {
    const t = createMemoryTransport();
    const join = (group: string, types: string[]) =>
      t.consume({ group, types, consumer: 'n', visibilityTimeoutMs: 1000 });
    const [a, b, both] = await Promise.all([
      join('ga', ['A']),
      join('gb', ['B']),
      join('gab', ['A', 'B']),
    ]);
    const fetched = [a, b, both].map((c) => c.fetch(10, 10_000));
    await t.publish([createEvent({ type: 'A', data: 1 }), createEvent({ type: 'B', data: 2 })]);
    const [ga, gb, gab] = await Promise.all(fetched);
    expect(ga!.map((d) => d.event.type)).toEqual(['A']);
    expect(gb!.map((d) => d.event.type)).toEqual(['B']);
    expect(gab!.map((d) => d.event.type)).toEqual(['A', 'B']);
    await t.close();
  });

  it('correlation counts restart after the budget window', async () => {
    let now = 1_000;
    const t = createMemoryTransport({ budgetWindowMs: 100, now: () => now });
    expect(await t.countCorrelation('c', 5)).toBe(5);
    now += 101;
    expect(await t.countCorrelation('c', 1)).toBe(1);
  });

  it('dedupe markers expire after the dedupe window', async () => {
    let now = 1_000;
    const t = createMemoryTransport({ dedupeWindowMs: 100, now: () => now });
    const c = await t.consume({
      group: 'g',
      types: ['A'],
      consumer: 'n',
      visibilityTimeoutMs: 10_000,
    });
    const e = createEvent({ type: 'A', data: {} });
    await t.publish([e]);
    const [d] = await c.fetch(1, 0);
    expect(await c.commit(d!, [])).toBe('committed');
    await t.publish([e]);
    expect(await c.fetch(10, 0)).toEqual([]);
    now += 101;
    await t.publish([e]);
    expect((await c.fetch(10, 0)).map((x) => x.event.id)).toEqual([e.id]);
  });

  it('keeps memory bounded: entries every group settled are trimmed, unsettled ones kept', async () => {
    const t = createMemoryTransport();
    const c1 = await t.consume({
      group: 'g1',
      types: ['A'],
      consumer: 'n',
      visibilityTimeoutMs: 10_000,
    });
    const c2 = await t.consume({
      group: 'g2',
      types: ['A'],
      consumer: 'n',
      visibilityTimeoutMs: 10_000,
    });
    await t.publish(
      Array.from({ length: 5000 }, (_, i) => createEvent({ type: 'A', data: { i } })),
    );
    const all1 = await c1.fetch(5000, 0);
    for (const d of all1) await c1.commit(d, []);
    // g2 has not read anything: a late group still gets every event.
    const all2 = await c2.fetch(5000, 0);
    expect(all2).toHaveLength(5000);
    for (const d of all2.slice(1)) await c2.commit(d, []);
    // The first entry of g2 is unsettled: after its lease lapses g2 gets it back.
    const internals = t as unknown as { streams: Map<string, { retained: number }> };
    expect(internals.streams.get('A')!.retained).toBe(5000);
    await c2.commit(all2[0]!, []);
    expect(internals.streams.get('A')!.retained).toBe(0);
  });

  it('events of a type no group consumes are not retained', async () => {
    const t = createMemoryTransport();
    await t.publish([createEvent({ type: 'Nobody', data: {} })]);
    const internals = t as unknown as { streams: Map<string, { retained: number }> };
    expect(internals.streams.get('Nobody')!.retained).toBe(0);
  });
});
