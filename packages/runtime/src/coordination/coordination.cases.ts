// The Aggregator and Saga scenarios both transports run (memory: coordination.test.ts, Redis:
// coordination.int.test.ts), each on a real runtime node with real worker threads: quorum
// 3-of-4 with a slow fourth agent, timeout with the missing types, a runtime closed between
// collection and emission, a crash between the state write and the commit, a saga whose step 2
// fails, and a saga whose runtime stops mid-way.
import { createEvent, type CloudEvent } from '@troupe/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime, type RuntimeOptions } from '../node/runtime.js';
import { sharedPool, until } from '../pipeline/testing.js';
import type { Consumer, Transport } from '../transport/contract.js';
import type { WorkerPool } from '../workers/contract.js';
import { createWorkerPool } from '../workers/index.js';
import type { AggregatorState } from './aggregator.js';
import type { SagaState } from './saga.js';
import type { CoordinationStore } from './store.js';
import { aggregator, responder, saga, warmResponders } from './testing.js';

export interface CoordinationEnv {
  /** Transport and store for a runtime; later calls reach the same storage (a restart). */
  open(): Promise<{ transport: Transport; store: CoordinationStore }>;
  cleanup(): Promise<void>;
}

const R = ['R1', 'R2', 'R3', 'R4'];

export function coordinationCases(name: string, makeEnv: () => Promise<CoordinationEnv>): void {
  describe(`aggregator and saga on ${name}`, () => {
    let pool: WorkerPool;
    let env: CoordinationEnv;
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
    });

    async function runtime(options: RuntimeOptions = {}, nodeId = 'node-1'): Promise<Runtime> {
      env ??= await makeEnv();
      const { transport, store } = await env.open();
      const rt = createRuntime({
        transport,
        nodeId,
        pool: sharedPool(pool),
        options: {
          fetchBlockMs: 50,
          visibilityTimeoutMs: 3000,
          workspace: false,
          ...options,
          coordination: { store, tickMs: 50 },
        },
      });
      open.push(rt);
      return rt;
    }

    async function fresh(): Promise<void> {
      if (env) await env.cleanup();
      env = await makeEnv();
    }

    async function observe(rt: Runtime, types: string[]): Promise<CloudEvent[]> {
      const seen: CloudEvent[] = [];
      await rt.transport.observe(types, (e) => seen.push(e));
      return seen;
    }

    const fanOut = (slow: number) =>
      R.map((out, i) =>
        responder(`a${i + 1}`, 'Fan', { out, ...(i === 3 ? { sleepMs: slow } : {}) }),
      );

    it('quorum 3-of-4 emits when the third result arrives while the fourth agent is still slow; the late one is recorded', async () => {
      await fresh();
      const rt = await runtime();
      await rt.apply([
        ...fanOut(2500),
        aggregator('agg', {
          collect: R,
          quorum: { policy: 'count', count: 3 },
          timeoutMs: 20_000,
          emits: 'Agg',
        }),
      ]);
      const seen = await observe(rt, ['Agg']);
      const t0 = Date.now();
      const { request, result } = await rt.request(
        'Fan',
        { q: 1 },
        { wait: ['Agg'], timeoutMs: 10_000 },
      );
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(result.data).toEqual({
        complete: true,
        arrived: ['R1', 'R2', 'R3'],
        missing: ['R4'],
        results: {
          R1: { from: 'R1', input: { q: 1 } },
          R2: { from: 'R2', input: { q: 1 } },
          R3: { from: 'R3', input: { q: 1 } },
        },
        failed: [],
      });
      expect(result.correlationid).toBe(request.correlationid);
      await until('the late R4 recorded', async () => {
        const [view] = await rt.coordinators.inspect(request.correlationid);
        return (view?.state as AggregatorState | undefined)?.late.length === 1;
      });
      const [view] = await rt.coordinators.inspect(request.correlationid);
      expect((view!.state as AggregatorState).late[0]).toMatchObject({ type: 'R4', repeat: false });
      expect(seen.filter((e) => e.correlationid === request.correlationid)).toHaveLength(1);
    });

    it('at timeoutMs emits complete: false with what arrived and the missing types', async () => {
      await fresh();
      const rt = await runtime();
      await rt.apply([
        responder('a1', 'Fan', { out: 'R1' }),
        responder('a2', 'Fan', { out: 'R2' }),
        aggregator('agg', { collect: R, timeoutMs: 400, emits: 'Agg' }),
      ]);
      const t0 = Date.now();
      const { result } = await rt.request('Fan', {}, { wait: ['Agg'], timeoutMs: 10_000 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
      expect(result.data).toMatchObject({
        complete: false,
        arrived: ['R1', 'R2'],
        missing: ['R3', 'R4'],
      });
    });

    it('a runtime closed between collection and emission neither loses the aggregate nor emits it twice', async () => {
      await fresh();
      const agg = aggregator('agg', {
        collect: ['R1', 'R2', 'R3'],
        timeoutMs: 20_000,
        emits: 'Agg',
      });
      const rt1 = await runtime({}, 'node-1');
      await rt1.apply([agg]);
      const seen = await observe(rt1, ['Agg']);
      const corr = createEvent({ type: 'x', data: null }).id;
      const ev = (type: string) => createEvent({ type, data: { type }, correlationId: corr });
      await rt1.transport.publish([ev('R1'), ev('R2')]);
      await until('two collected', async () => {
        const [v] = await rt1.coordinators.inspect(corr);
        return Object.keys((v?.state as AggregatorState | undefined)?.results ?? {}).length === 2;
      });
      await rt1.close({ deadlineMs: 500 });
      open.splice(open.indexOf(rt1), 1);
      expect(seen).toEqual([]);
      const rt2 = await runtime({}, 'node-2');
      await rt2.apply([agg]);
      const seen2 = await observe(rt2, ['Agg']);
      const wait = await rt2.waitFor(corr, ['Agg'], 10_000);
      await rt2.transport.publish([ev('R3')]);
      const out = await wait.event;
      expect(out.data).toMatchObject({ complete: true, arrived: ['R1', 'R2', 'R3'], missing: [] });
      await new Promise((r) => setTimeout(r, 300));
      // (On memory, rt1's observation still runs: the transport object survived.)
      expect(seen2.filter((e) => e.correlationid === corr).map((e) => e.id)).toEqual([out.id]);
    });

    it('a crash between the state write and the commit re-commits the same emission, once', async () => {
      await fresh();
      const { transport: real, store } = await env.open();
      // The first commit that carries the aggregate fails, as if the process died right there.
      let failed = 0;
      const flaky = new Proxy(real, {
        get(t, prop) {
          if (prop === 'consume')
            return async (o: Parameters<Transport['consume']>[0]): Promise<Consumer> => {
              const c = await t.consume(o);
              return {
                ...c,
                fetch: (m, b) => c.fetch(m, b),
                retry: (d, ms, e) => c.retry(d, ms, e),
                deadLetter: (d, i, e) => c.deadLetter(d, i, e),
                heartbeat: (ds) => c.heartbeat(ds),
                close: () => c.close(),
                commit: (d, emissions) => {
                  if (emissions.length && failed++ === 0)
                    return Promise.reject(new Error('crash before commit'));
                  return c.commit(d, emissions);
                },
              };
            };
          const v: unknown = Reflect.get(t, prop);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
        },
      });
      const rt = createRuntime({
        transport: flaky,
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
      await rt.apply([
        aggregator('agg', { collect: ['R1', 'R2'], timeoutMs: 20_000, emits: 'Agg' }),
      ]);
      const seen = await observe(rt, ['Agg']);
      const corr = createEvent({ type: 'x', data: null }).id;
      const wait = await rt.waitFor(corr, ['Agg'], 10_000);
      await rt.transport.publish(
        ['R1', 'R2'].map((type) => createEvent({ type, data: {}, correlationId: corr })),
      );
      const out = await wait.event;
      expect(failed).toBeGreaterThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 800));
      expect(seen.map((e) => e.id)).toEqual([out.id]);
    });

    const deploySaga = saga('deploy', {
      trigger: 'deploy.requested',
      steps: [
        {
          name: 'deploy',
          command: 'deploy.start',
          success: 'deploy.done',
          failure: 'deploy.failed',
          compensate: 'deploy.rollback',
        },
        {
          name: 'routing',
          command: 'routing.update',
          success: 'routing.done',
          failure: 'routing.failed',
          compensate: 'routing.revert',
        },
      ],
      timeoutMs: 30_000,
      emits: { completed: 'deploy.completed', failed: 'deploy.aborted' },
    });
    const sagaTypes = [
      'deploy.start',
      'deploy.done',
      'routing.update',
      'routing.done',
      'routing.failed',
      'deploy.rollback',
      'routing.revert',
      'deploy.completed',
      'deploy.aborted',
    ];

    it("a saga whose step 2 fails emits step 1's compensation, then failed", async () => {
      await fresh();
      const rt = await runtime();
      await rt.apply([
        responder('deployer', 'deploy.start', { out: 'deploy.done' }),
        responder('router', 'routing.update', { out: 'routing.failed' }),
        deploySaga,
      ]);
      const seen = await observe(rt, sagaTypes);
      const { request, result } = await rt.request(
        'deploy.requested',
        { service: 'api' },
        { wait: ['deploy.aborted', 'deploy.completed'], timeoutMs: 10_000 },
      );
      expect(result.type).toBe('deploy.aborted');
      expect(result.data).toMatchObject({
        saga: 'deploy',
        failedStep: 'routing',
        reason: 'failure',
        compensated: ['deploy'],
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(
        seen.filter((e) => e.correlationid === request.correlationid).map((e) => e.type),
      ).toEqual([
        'deploy.start',
        'deploy.done',
        'routing.update',
        'routing.failed',
        'deploy.rollback',
        'deploy.aborted',
      ]);
      const rollback = seen.find((e) => e.type === 'deploy.rollback')!;
      expect(rollback.data).toEqual({ saga: 'deploy', step: 'deploy', input: { service: 'api' } });
    });

    it('a saga stopped mid-way resumes on a new runtime and completes once', async () => {
      await fresh();
      const rt1 = await runtime({}, 'node-1');
      await rt1.apply([
        responder('deployer', 'deploy.start', { out: 'deploy.done' }),
        responder('router', 'routing.update', { out: 'routing.done', sleepMs: 1500 }),
        deploySaga,
      ]);
      const seen1 = await observe(rt1, sagaTypes);
      const trigger = await rt1.publish('deploy.requested', { service: 'api' });
      const corr = trigger.correlationid;
      await until('step 2 started', () => seen1.some((e) => e.type === 'routing.update'));
      await rt1.close({ deadlineMs: 100 }); // the router is mid-sleep: left pending
      open.splice(open.indexOf(rt1), 1);
      const rt2 = await runtime({}, 'node-1');
      const seen2 = await observe(rt2, sagaTypes);
      const wait = await rt2.waitFor(corr, ['deploy.completed', 'deploy.aborted'], 15_000);
      await rt2.apply([
        responder('deployer', 'deploy.start', { out: 'deploy.done' }),
        responder('router', 'routing.update', { out: 'routing.done' }),
        deploySaga,
      ]);
      const done = await wait.event;
      expect(done.type).toBe('deploy.completed');
      expect(done.data).toMatchObject({ saga: 'deploy', steps: ['deploy', 'routing'] });
      await new Promise((r) => setTimeout(r, 300));
      const all = [...seen1, ...seen2].filter((e) => e.correlationid === corr);
      expect(all.filter((e) => e.type === 'deploy.start')).toHaveLength(1);
      expect(new Set(all.filter((e) => e.type === 'deploy.completed').map((e) => e.id)).size).toBe(
        1,
      );
      const [view] = await rt2.coordinators.inspect(corr);
      expect((view!.state as SagaState).status).toBe('completed');
    });

    it('a step that times out compensates the completed steps, then fails with reason timeout', async () => {
      await fresh();
      const rt = await runtime();
      const timed = saga('deploy', {
        ...deploySaga.manifest.spec,
        steps: [
          deploySaga.manifest.spec.steps[0]!,
          { ...deploySaga.manifest.spec.steps[1]!, timeoutMs: 300 },
        ],
      });
      await rt.apply([responder('deployer', 'deploy.start', { out: 'deploy.done' }), timed]);
      const { result } = await rt.request(
        'deploy.requested',
        {},
        { wait: ['deploy.aborted', 'deploy.completed'], timeoutMs: 10_000 },
      );
      expect(result.data).toMatchObject({
        failedStep: 'routing',
        reason: 'timeout',
        compensated: ['deploy'],
      });
    });
  });
}
