// The Aggregator learning early that its quorum cannot be met (decision 0008), on both
// transports (memory: coordination.test.ts, Redis: coordination.int.test.ts), on a real runtime
// node with real worker threads: four reviewers fan out from one event and one of them throws
// a NonRetryableError, so its dead letter's `troupe.deadlettered` rules its type out.
import type { CloudEvent } from '@troupe/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../node/runtime.js';
import { sharedPool, until } from '../pipeline/testing.js';
import type { Consumer, Transport } from '../transport/contract.js';
import type { WorkerPool } from '../workers/contract.js';
import { createWorkerPool } from '../workers/index.js';
import type { AggregateData, AggregatorState } from './aggregator.js';
import type { CoordinationEnv } from './coordination.cases.js';
import { aggregator, responder, warmResponders } from './testing.js';

const R = ['R1', 'R2', 'R3', 'R4'];
const TIMEOUT_MS = 20_000;

/** `real` whose consumers fail the first commit that carries emissions (a crash right there). */
function failFirstEmittingCommit(real: Transport): { transport: Transport; failed: () => number } {
  let failed = 0;
  const transport = new Proxy(real, {
    get(t, prop) {
      if (prop === 'consume')
        return async (o: Parameters<Transport['consume']>[0]): Promise<Consumer> => {
          const c = await t.consume(o);
          return {
            fetch: (m, b) => c.fetch(m, b),
            retry: (d, ms, e) => c.retry(d, ms, e),
            deadLetter: (d, i, e) => c.deadLetter(d, i, e),
            heartbeat: (ds) => c.heartbeat(ds),
            close: () => c.close(),
            commit: (d, emissions) => {
              if (o.group === 'agg' && emissions.length && failed === 0) {
                failed++;
                return Promise.reject(new Error('crash before commit'));
              }
              return c.commit(d, emissions);
            },
          };
        };
      const v: unknown = Reflect.get(t, prop);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return { transport, failed: () => failed };
}

export function rulingCases(name: string, makeEnv: () => Promise<CoordinationEnv>): void {
  describe(`aggregator ruling types out by dead letters on ${name}`, () => {
    let pool: WorkerPool;
    let env: CoordinationEnv | undefined;
    const open: Runtime[] = [];

    beforeAll(async () => {
      pool = createWorkerPool({ threads: 2 });
      await warmResponders(pool, 2);
    });
    afterAll(async () => {
      await pool.close(2000);
    });
    afterEach(async () => {
      for (const rt of open.splice(0)) await rt.close({ deadlineMs: 500 });
      await env?.cleanup();
      env = undefined;
    });

    async function runtime(wrap?: (t: Transport) => Transport): Promise<Runtime> {
      env = await makeEnv();
      const { transport, store } = await env.open();
      const rt = createRuntime({
        transport: wrap ? wrap(transport) : transport,
        nodeId: 'node-1',
        pool: sharedPool(pool),
        options: {
          fetchBlockMs: 50,
          visibilityTimeoutMs: 600,
          workspace: false,
          coordination: { store, tickMs: 50 },
        },
      });
      open.push(rt);
      return rt;
    }

    async function observe(rt: Runtime, types: string[]): Promise<CloudEvent[]> {
      const seen: CloudEvent[] = [];
      await rt.transport.observe(types, (e) => seen.push(e));
      return seen;
    }

    /** Four reviewers of `Fan`; a4 refuses (NonRetryableError); a1..a3 take `sleepMs`. */
    const reviewers = (sleepMs = 0) =>
      R.map((out, i) =>
        responder(`a${i + 1}`, 'Fan', i === 3 ? { out, nonRetryable: true } : { out, sleepMs }),
      );

    async function state(rt: Runtime, corr: string): Promise<AggregatorState | undefined> {
      const [view] = await rt.coordinators.inspect(corr);
      return view?.state as AggregatorState | undefined;
    }

    it('quorum all: a reviewer dead-letters → the aggregate comes at once, complete: false, naming it', async () => {
      const rt = await runtime();
      await rt.apply([
        ...reviewers(300),
        aggregator('agg', { collect: R, timeoutMs: TIMEOUT_MS, emits: 'Agg' }),
      ]);
      const seen = await observe(rt, ['Agg']);
      const t0 = Date.now();
      const { request, result } = await rt.request('Fan', {}, { wait: ['Agg'], timeoutMs: 10_000 });
      const elapsed = Date.now() - t0;
      expect(elapsed).toBeLessThan(5000); // the deadline is 20 s away
      const data = result.data as AggregateData;
      expect(data.complete).toBe(false);
      expect(data.missing).toContain('R4');
      expect(data.failed).toEqual([
        { type: 'R4', agent: 'a4', reason: 'non-retryable', error: 'responder refuses' },
      ]);
      const corr = request.correlationid;
      // The three slow reviewers answer after the emission: recorded late, nothing re-emitted.
      await until('the slow results recorded', async () => {
        const s = await state(rt, corr);
        return (s?.late.length ?? 0) + Object.keys(s?.results ?? {}).length === 3;
      });
      const s = (await state(rt, corr))!;
      expect(s.emitted).toMatchObject({ by: 'impossible', complete: false });
      expect(s.ruledOut).toEqual(data.failed);
      expect(s.deadLettered).toMatchObject([{ agent: 'a4', type: 'Fan', reason: 'non-retryable' }]);
      await new Promise((r) => setTimeout(r, 200));
      expect(seen.filter((e) => e.correlationid === corr)).toHaveLength(1);
      expect(await rt.transport.deadLetters('a4')).toHaveLength(1);
    });

    it('quorum 3-of-4 with one reviewer failing: complete: true when the other three arrive', async () => {
      const rt = await runtime();
      await rt.apply([
        ...reviewers(300),
        aggregator('agg', {
          collect: R,
          quorum: { policy: 'count', count: 3 },
          timeoutMs: TIMEOUT_MS,
          emits: 'Agg',
        }),
      ]);
      const t0 = Date.now();
      const { request, result } = await rt.request('Fan', {}, { wait: ['Agg'], timeoutMs: 10_000 });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(result.data).toMatchObject({
        complete: true,
        arrived: ['R1', 'R2', 'R3'],
        missing: ['R4'],
        failed: [{ type: 'R4', agent: 'a4', reason: 'non-retryable' }],
      });
      expect((await state(rt, request.correlationid))!.emitted!.by).toBe('quorum');
    });

    it('a crash between deciding on the dead letter and committing re-commits the same aggregate, once', async () => {
      let failed = () => 0;
      const rt = await runtime((t) => {
        const flaky = failFirstEmittingCommit(t);
        failed = flaky.failed;
        return flaky.transport;
      });
      await rt.apply([
        responder('a1', 'Fan', { out: 'R1', sleepMs: 300 }),
        responder('a2', 'Fan', { out: 'R2', nonRetryable: true }),
        aggregator('agg', { collect: ['R1', 'R2'], timeoutMs: TIMEOUT_MS, emits: 'Agg' }),
      ]);
      const seen = await observe(rt, ['Agg']);
      const announced = await observe(rt, ['troupe.deadlettered']);
      const { request, result } = await rt.request('Fan', {}, { wait: ['Agg'], timeoutMs: 10_000 });
      expect(failed()).toBe(1);
      expect(result.data).toMatchObject({ complete: false, failed: [{ type: 'R2', agent: 'a2' }] });
      const corr = request.correlationid;
      await until('the late R1 recorded', async () => (await state(rt, corr))?.late.length === 1);
      // The same announcement delivered again (at-least-once) changes nothing either.
      expect(announced).toHaveLength(1);
      await rt.transport.publish([...announced]); // a copy: the observer appends to `announced`
      await new Promise((r) => setTimeout(r, 500));
      expect(seen.filter((e) => e.correlationid === corr).map((e) => e.id)).toEqual([result.id]);
      const s = (await state(rt, corr))!;
      expect(s.deadLettered).toHaveLength(1);
      expect(s.emitted!.eventId).toBe(result.id);
    });
  });
}
