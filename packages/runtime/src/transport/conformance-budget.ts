// Conformance cases for the per-correlation budget counted by commit: emissions count against
// the input's correlation in the same atomic step as the commit, a commit over the consumer's
// `correlationBudget` is refused (BUDGET_EXCEEDED, nothing appended, entry still pending),
// duplicates and empty commits count nothing; publish counts entry events when asked to.
import { createEvent, deriveEvent, ErrorCode, TroupeError, type CloudEvent } from '@troupe/core';
import type { ConformanceKit, Vitest } from './conformance-kit.js';
import type { Delivery } from './contract.js';

export function defineBudgetCases({ it, expect }: Vitest, k: ConformanceKit): void {
  const emit = (d: Delivery, type: string, n: number): CloudEvent[] =>
    Array.from({ length: n }, (_, index) =>
      deriveEvent(d.event, { agent: 'conformance', index, type, data: { index } }),
    );

  it('commit counts emissions and refuses one over the budget: nothing appended, still pending', async () => {
    const [A, B] = [k.type('A'), k.type('B')];
    const g = k.group('g');
    const t = k.setup().transport;
    const sink = await k.consumer(k.group('sink'), [B]);
    const c = await k.consumer(g, [A], 'node-1', { correlationBudget: 3 });
    const correlationId = k.group('corr');
    const [e1, e2] = [1, 2].map((n) => createEvent({ type: A, data: { n }, correlationId }));
    await t.publish([e1!, e2!]);
    const [d1, d2] = await k.collect(c, 2);
    expect(await c.commit(d1!, emit(d1!, B, 2))).toBe('committed');
    const refused = await c.commit(d2!, emit(d2!, B, 2)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TroupeError);
    expect(refused).toMatchObject({
      code: ErrorCode.BudgetExceeded,
      data: { correlationId, budget: 3, total: 4 },
    });
    // The refused emissions count; nothing of them was appended; the entry is still pending.
    expect(await t.countCorrelation(correlationId, 0)).toBe(4);
    const appended = await k.collect(sink, 2);
    expect(appended.map((d) => d.event.causationid)).toEqual([e1!.id, e1!.id]);
    for (const d of appended) await sink.commit(d, []);
    expect(await sink.fetch(10, 100)).toEqual([]);
    expect(await t.stats(g, [A])).toMatchObject({ pending: 1 });
    await c.deadLetter(d2!, { reason: 'budget', attempts: 1 });
    expect(await t.stats(g, [A])).toEqual({ pending: 0, lag: 0, deadLetters: 1 });
  });

  it('duplicate and empty commits count nothing; without a budget nothing is counted', async () => {
    const [A, B] = [k.type('A'), k.type('B')];
    const t = k.setup().transport;
    const counted = await k.consumer(k.group('counted'), [A], 'node-1', { correlationBudget: 10 });
    const plain = await k.consumer(k.group('plain'), [A]);
    const correlationId = k.group('corr');
    const [e1, e2] = [1, 2].map((n) => createEvent({ type: A, data: { n }, correlationId }));
    await t.publish([e1!, e2!]);
    const [d1, d2] = await k.collect(counted, 2);
    expect(await counted.commit(d1!, emit(d1!, B, 1))).toBe('committed');
    expect(await counted.commit(d1!, emit(d1!, B, 1))).toBe('duplicate');
    expect(await counted.commit(d2!, [])).toBe('committed');
    for (const d of await k.collect(plain, 2)) await plain.commit(d, emit(d, B, 3));
    expect(await t.countCorrelation(correlationId, 0)).toBe(1);
  });

  it('publish counts each event against its correlation only when asked to', async () => {
    const A = k.type('A');
    const t = k.setup().transport;
    const c = await k.consumer(k.group('g'), [A]);
    const correlationId = k.group('corr');
    const events = [1, 2, 3].map((n) => createEvent({ type: A, data: { n }, correlationId }));
    await t.publish(events.slice(0, 2), { countCorrelation: true });
    await t.publish(events.slice(2));
    expect(await t.countCorrelation(correlationId, 0)).toBe(2);
    expect((await k.collect(c, 3)).map((d) => d.event.id)).toEqual(events.map((e) => e.id));
  });

  it('rejects a correlationBudget that is not a positive integer, naming the field', async () => {
    const t = k.setup().transport;
    for (const bad of [0, -1, 1.5]) {
      const err = await t
        .consume({
          group: 'g',
          types: ['A'],
          consumer: 'n',
          visibilityTimeoutMs: 1000,
          correlationBudget: bad,
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toMatchObject({
        code: ErrorCode.InvalidOption,
        data: { field: 'correlationBudget' },
      });
    }
  });
}
