// Conformance cases for observations beyond the basic one in conformance-core.ts: many at once,
// closing one among others, a type joining while others wait, throwing callbacks, and nothing
// appended before observe() resolved reaching a new observation of an already observed type.
import type { CloudEvent } from '@troupe/core';
import type { ConformanceKit, Vitest } from './conformance-kit.js';

export function defineObserveCases({ it, expect }: Vitest, k: ConformanceKit): void {
  const until = async (done: () => boolean, timeoutMs = 5000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline) await k.sleep(10);
  };

  it('200 concurrent observations on several types each see exactly their types', async () => {
    const t = k.setup().transport;
    const types = [k.type('A'), k.type('B'), k.type('C'), k.type('D')];
    const seen: CloudEvent[][] = [];
    const observations = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const mine = [types[i % 4]!, types[(i + 1) % 4]!];
        const got: CloudEvent[] = [];
        seen.push(got);
        return t.observe(mine, (e) => got.push(e));
      }),
    );
    const events = types.flatMap((type) => [k.event(type, { n: 1 }), k.event(type, { n: 2 })]);
    await t.publish(events);
    await until(() => seen.every((got) => got.length === 4));
    seen.forEach((got, i) => {
      const mine = new Set([types[i % 4]!, types[(i + 1) % 4]!]);
      expect(got.map((e) => e.id).sort()).toEqual(
        events
          .filter((e) => mine.has(e.type))
          .map((e) => e.id)
          .sort(),
      );
    });
    for (const o of observations) await o.close();
  });

  it('a closed observation stops receiving while another on the same type continues', async () => {
    const t = k.setup().transport;
    const A = k.type('A');
    const first: CloudEvent[] = [];
    const second: CloudEvent[] = [];
    const o1 = await t.observe([A], (e) => first.push(e));
    const o2 = await t.observe([A], (e) => second.push(e));
    const e1 = k.event(A, { n: 1 });
    await t.publish([e1]);
    await until(() => first.length === 1 && second.length === 1);
    await o1.close();
    const e2 = k.event(A, { n: 2 });
    await t.publish([e2]);
    await until(() => second.length === 2);
    await k.sleep(100);
    expect(first).toEqual([e1]);
    expect(second).toEqual([e1, e2]);
    await o1.close(); // idempotent, disturbs nobody
    const e3 = k.event(A, { n: 3 });
    await t.publish([e3]);
    await until(() => second.length === 3);
    expect(second).toEqual([e1, e2, e3]);
    await o2.close();
  });

  it('a type observed while another observation waits sees its first event quickly', async () => {
    const t = k.setup().transport;
    const [A, B] = [k.type('A'), k.type('B')];
    const waiting = await t.observe([A], () => undefined);
    await k.sleep(150); // the reader (if any) is blocked on A by now
    const got: number[] = [];
    const o = await t.observe([B], () => got.push(Date.now()));
    const t0 = Date.now();
    await t.publish([k.event(B)]);
    await until(() => got.length === 1, 3000);
    expect(got).toHaveLength(1);
    // Redis blocks up to maxBlockMs (5 s by default): the new stream must not wait for that.
    expect(got[0]! - t0).toBeLessThan(1000);
    await o.close();
    await waiting.close();
  });

  it("one observation's throwing callback does not stop the others or itself", async () => {
    const t = k.setup().transport;
    const A = k.type('A');
    let thrown = 0;
    const seen: CloudEvent[] = [];
    const bad = await t.observe([A], () => {
      thrown++;
      throw new Error('observer bug');
    });
    const good = await t.observe([A], (e) => seen.push(e));
    const events = [k.event(A, { n: 1 }), k.event(A, { n: 2 })];
    await t.publish(events);
    await until(() => seen.length === 2 && thrown === 2);
    expect(seen).toEqual(events);
    expect(thrown).toBe(2);
    await bad.close();
    await good.close();
  });

  it('a new observation of an observed type gets nothing appended before it resolved', async () => {
    const t = k.setup().transport;
    const A = k.type('A');
    const early: CloudEvent[] = [];
    // A slow observer keeps a shared reader behind the stream when the next observation joins.
    const o1 = await t.observe([A], (e) => {
      early.push(e);
      const end = performance.now() + (early.length === 1 ? 300 : 0);
      while (performance.now() < end);
    });
    const backlog = Array.from({ length: 1500 }, (_, i) => k.event(A, { i }));
    await t.publish(backlog);
    const late: CloudEvent[] = [];
    const o2 = await t.observe([A], (e) => late.push(e));
    const after = k.event(A, { after: true });
    await t.publish([after]);
    await until(() => early.length === 1501 && late.length === 1, 10_000);
    expect(late).toEqual([after]);
    expect(early.map((e) => e.id)).toEqual([...backlog, after].map((e) => e.id));
    await o1.close();
    await o2.close();
  });
}
