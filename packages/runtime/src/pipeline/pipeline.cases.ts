// The pipeline scenarios every transport runs (STYLE.md §1): retries and DLQ, non-retryable and
// retry-after errors, the guards (schema, size, hop limit, where, undeclared emission, budget),
// handler timeout, the breaker's whole cycle, graceful shutdown and apply. Each scenario drives a
// real runtime node with real worker threads over the transport under test.
import { ErrorCode, createEvent, type CloudEvent } from '@troupe/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime, type RuntimeOptions } from '../node/runtime.js';
import type { Transport } from '../transport/contract.js';
import type { WorkerPool } from '../workers/contract.js';
import { createWorkerPool } from '../workers/index.js';
import { agentManifest, eventTypeManifest, fixture, sharedPool, until } from './testing.js';

export type TransportFactory = () => Promise<Transport>;

const fast = { backoff: 'fixed', initialDelayMs: 20, jitter: 0 } as const;

export function pipelineCases(name: string, makeTransport: TransportFactory): void {
  describe(`agent pipeline on ${name}`, () => {
    let pool: WorkerPool;
    const open: Runtime[] = [];

    beforeAll(async () => {
      pool = createWorkerPool({ threads: 2 });
      // Warm both threads (tsx and the fixture load once per thread) so timings below are real.
      const warm = {
        handlerPath: fixture('scripted'),
        agent: 'warm',
        attempt: 1,
        timeoutMs: 30_000,
        config: {},
      };
      await Promise.all(
        [0, 1].map(() => pool.run([{ ...warm, event: createEvent({ type: 'Warm', data: {} }) }])),
      );
    });
    afterAll(async () => {
      await Promise.all(open.map((r) => r.close({ deadlineMs: 1000 })));
      await pool.close(2000);
    });

    async function runtime(options: RuntimeOptions = {}): Promise<Runtime> {
      const transport = await makeTransport();
      const rt = createRuntime({
        transport,
        nodeId: 'node-1',
        pool: sharedPool(pool),
        options: { fetchBlockMs: 50, visibilityTimeoutMs: 3000, ...options },
      });
      open.push(rt);
      return rt;
    }

    async function observe(rt: Runtime, types: string[]): Promise<CloudEvent[]> {
      const seen: CloudEvent[] = [];
      await rt.transport.observe(types, (e) => seen.push(e));
      return seen;
    }

    const status = (rt: Runtime, agent: string) => rt.agents().find((a) => a.name === agent)!;

    it('retries exactly `attempts` times, then dead-letters with reason, agent, attempts, error and the event intact', async () => {
      const rt = await runtime();
      await rt.apply([
        agentManifest('worker', { subscribe: [{ type: 'Job' }], retry: { attempts: 3, ...fast } }),
      ]);
      const ev = await rt.publish('Job', { failAttempts: 99 });
      await until(
        'dead letter',
        async () => (await rt.transport.deadLetters('worker')).length === 1,
      );
      const [dl] = await rt.transport.deadLetters('worker');
      expect(dl).toMatchObject({ agent: 'worker', reason: 'retries-exhausted', attempts: 3 });
      expect(dl!.error).toMatchObject({
        code: ErrorCode.HandlerFailed,
        message: 'scripted failure on attempt 3',
      });
      expect(dl!.event).toEqual(ev);
      expect(status(rt, 'worker')).toMatchObject({
        consumed: 3,
        failed: 3,
        retried: 2,
        deadLettered: 1,
        succeeded: 0,
      });
    });

    it('dead-letters a NonRetryableError after one attempt', async () => {
      const rt = await runtime();
      await rt.apply([
        agentManifest('worker', { subscribe: [{ type: 'Job' }], retry: { attempts: 5, ...fast } }),
      ]);
      await rt.publish('Job', { nonRetryable: true });
      await until(
        'dead letter',
        async () => (await rt.transport.deadLetters('worker')).length === 1,
      );
      const [dl] = await rt.transport.deadLetters('worker');
      expect(dl).toMatchObject({
        reason: 'non-retryable',
        attempts: 1,
        error: { code: ErrorCode.NonRetryable },
      });
      expect(status(rt, 'worker')).toMatchObject({ failed: 1, retried: 0, deadLettered: 1 });
    });

    it('honours a RetryAfterError delay', async () => {
      const rt = await runtime();
      await rt.apply([
        agentManifest('worker', {
          subscribe: [{ type: 'Job' }],
          emits: ['Done'],
          retry: { attempts: 3, ...fast },
          config: { out: 'Done' },
        }),
      ]);
      const t0 = Date.now();
      const { result } = await rt.request(
        'Job',
        { retryAfterMs: 600 },
        { wait: ['Done'], timeoutMs: 10_000 },
      );
      expect(Date.now() - t0).toBeGreaterThanOrEqual(590);
      expect(result.data).toMatchObject({ attempt: 2 });
      await until('commit counted', () => status(rt, 'worker').succeeded === 1);
      expect(status(rt, 'worker')).toMatchObject({ failed: 1, retried: 1, succeeded: 1 });
    });

    it('dead-letters a schema-invalid payload at once; publish refuses it from outside', async () => {
      const rt = await runtime();
      const schema = { type: 'object', required: ['x'], properties: { x: { type: 'number' } } };
      await rt.apply([
        eventTypeManifest('Job', { entry: true, schema }),
        agentManifest('worker', { subscribe: [{ type: 'Job' }], retry: { attempts: 5, ...fast } }),
      ]);
      await expect(rt.publish('Job', { x: 'nope' })).rejects.toMatchObject({
        code: ErrorCode.SchemaInvalid,
      });
      // An upstream producer that does not validate: the consumer's guard catches it.
      await rt.transport.publish([createEvent({ type: 'Job', data: { x: 'nope' } })]);
      await until(
        'dead letter',
        async () => (await rt.transport.deadLetters('worker')).length === 1,
      );
      const [dl] = await rt.transport.deadLetters('worker');
      expect(dl).toMatchObject({
        reason: 'schema',
        attempts: 0,
        error: { code: ErrorCode.SchemaInvalid },
      });
      expect(status(rt, 'worker')).toMatchObject({ failed: 0, deadLettered: 1 });
    });

    it('dead-letters an oversized event at once', async () => {
      const rt = await runtime({ maxPayloadBytes: 2000 });
      await rt.apply([agentManifest('worker', { subscribe: [{ type: 'Job' }] })]);
      await rt.publish('Job', { pad: 'x'.repeat(5000) });
      await until(
        'dead letter',
        async () => (await rt.transport.deadLetters('worker')).length === 1,
      );
      const [dl] = await rt.transport.deadLetters('worker');
      expect(dl).toMatchObject({
        reason: 'oversized',
        attempts: 0,
        error: { code: ErrorCode.PayloadTooLarge },
      });
    });

    it('stops a runaway loop at the hop limit with troupe.loop.detected', async () => {
      const rt = await runtime();
      const seen = await observe(rt, ['troupe.loop.detected']);
      await rt.apply([
        agentManifest('bouncer', {
          handler: 'bounce',
          subscribe: [{ type: 'Ping' }],
          emits: ['Ping'],
          maxHops: 3,
          allowCycles: true,
        }),
      ]);
      const ev = await rt.publish('Ping', {});
      await until(
        'dead letter',
        async () => (await rt.transport.deadLetters('bouncer')).length === 1,
      );
      const [dl] = await rt.transport.deadLetters('bouncer');
      expect(dl).toMatchObject({
        reason: 'hop-limit',
        attempts: 0,
        event: { hops: 4, correlationid: ev.correlationid },
      });
      await until('loop.detected', () => seen.length === 1);
      expect(seen[0]).toMatchObject({
        correlationid: ev.correlationid,
        data: { agent: 'bouncer', hops: 4, maxHops: 3 },
      });
      expect(status(rt, 'bouncer')).toMatchObject({ succeeded: 4, deadLettered: 1 });
    });

    it('routes by `where`: unmatched events are committed without running', async () => {
      const rt = await runtime();
      const done = await observe(rt, ['Done']);
      await rt.apply([
        agentManifest('worker', {
          subscribe: [{ type: 'Job', where: { 'data.kind': 'a' } }],
          emits: ['Done'],
          config: { out: 'Done' },
        }),
      ]);
      const b = await rt.publish('Job', { kind: 'b' });
      const a = await rt.publish('Job', { kind: 'a' });
      await until(
        'both settled',
        () => status(rt, 'worker').consumed === 2 && status(rt, 'worker').inFlight === 0,
      );
      await until('Done', () => done.length === 1);
      expect(done[0]!.correlationid).toBe(a.correlationid);
      expect(done.some((e) => e.correlationid === b.correlationid)).toBe(false);
      expect(status(rt, 'worker')).toMatchObject({ filtered: 1, succeeded: 1, deadLettered: 0 });
      expect(await rt.transport.deadLetters('worker')).toEqual([]);
    });

    it('fails an attempt that emits an undeclared type (nothing emitted, DLQ undeclared-emission)', async () => {
      const rt = await runtime();
      const other = await observe(rt, ['Other', 'Done']);
      await rt.apply([
        agentManifest('worker', {
          subscribe: [{ type: 'Job' }],
          emits: ['Done'],
          retry: { attempts: 3, ...fast },
        }),
      ]);
      await rt.publish('Job', {
        emit: [
          { type: 'Done', data: 1 },
          { type: 'Other', data: 2 },
        ],
      });
      await until(
        'dead letter',
        async () => (await rt.transport.deadLetters('worker')).length === 1,
      );
      const [dl] = await rt.transport.deadLetters('worker');
      expect(dl).toMatchObject({
        reason: 'undeclared-emission',
        attempts: 1,
        error: { code: ErrorCode.UndeclaredEmission },
      });
      expect(other).toEqual([]);
    });

    it('enforces the per-correlation budget with troupe.budget.exceeded', async () => {
      const rt = await runtime({ correlationBudget: 5 });
      const seen = await observe(rt, ['troupe.budget.exceeded']);
      await rt.apply([
        agentManifest('bouncer', {
          handler: 'bounce',
          subscribe: [{ type: 'Ping' }],
          emits: ['Ping'],
          maxHops: 100,
          allowCycles: true,
        }),
      ]);
      const ev = await rt.publish('Ping', {});
      await until(
        'dead letter',
        async () => (await rt.transport.deadLetters('bouncer')).length === 1,
      );
      const [dl] = await rt.transport.deadLetters('bouncer');
      expect(dl).toMatchObject({ reason: 'budget', error: { code: ErrorCode.BudgetExceeded } });
      expect(dl!.event.hops).toBe(4);
      await until('budget.exceeded', () => seen.length === 1);
      expect(seen[0]).toMatchObject({
        correlationid: ev.correlationid,
        data: { agent: 'bouncer', budget: 5 },
      });
    });

    it('times a handler out and dead-letters it with HANDLER_TIMEOUT', async () => {
      const rt = await runtime();
      await rt.apply([
        agentManifest('worker', {
          subscribe: [{ type: 'Job' }],
          timeoutMs: 300,
          retry: { attempts: 1 },
        }),
      ]);
      const t0 = Date.now();
      await rt.publish('Job', { sleepMs: 10_000 });
      await until(
        'dead letter',
        async () => (await rt.transport.deadLetters('worker')).length === 1,
      );
      expect(Date.now() - t0).toBeLessThan(5000);
      const [dl] = await rt.transport.deadLetters('worker');
      expect(dl).toMatchObject({
        reason: 'retries-exhausted',
        attempts: 1,
        error: { code: ErrorCode.HandlerTimeout },
      });
    });

    it('opens the breaker, stops fetching (nothing dead-lettered), half-opens one trial, closes and drains', async () => {
      const rt = await runtime();
      const sys = await observe(rt, [
        'troupe.breaker.opened',
        'troupe.breaker.half-opened',
        'troupe.breaker.closed',
      ]);
      const done = await observe(rt, ['Done']);
      await rt.apply([
        agentManifest('worker', {
          subscribe: [{ type: 'Job' }],
          emits: ['Done'],
          concurrency: 1,
          config: { out: 'Done' },
          retry: { attempts: 10, backoff: 'fixed', initialDelayMs: 50, jitter: 0 },
          breaker: { failureThreshold: 3, resetTimeoutMs: 700 },
        }),
      ]);
      // Three events fail their first attempt: the third failure opens the breaker.
      for (let i = 0; i < 3; i++) await rt.publish('Job', { failAttempts: 1 });
      await until('breaker open', () => status(rt, 'worker').breaker === 'open');
      const consumedAtOpen = status(rt, 'worker').consumed;
      for (let i = 0; i < 4; i++) await rt.publish('Job', {});
      await new Promise((r) => setTimeout(r, 400));
      // Open: nothing fetched, nothing failed or dead-lettered; the events wait in the stream.
      expect(status(rt, 'worker').consumed).toBe(consumedAtOpen);
      expect(await rt.transport.deadLetters('worker')).toEqual([]);
      await until('all 7 done', () => done.length === 7, 15_000);
      expect(sys.map((e) => e.type)).toEqual([
        'troupe.breaker.opened',
        'troupe.breaker.half-opened',
        'troupe.breaker.closed',
      ]);
      expect(sys[0]!.data).toMatchObject({ agent: 'worker', failures: 3 });
      expect(status(rt, 'worker')).toMatchObject({
        breaker: 'closed',
        failed: 3,
        deadLettered: 0,
        succeeded: 7,
      });
      expect(await rt.transport.deadLetters('worker')).toEqual([]);
    });

    it('shuts down gracefully: in-flight work finishes, unfetched events stay pending, nothing is lost', async () => {
      const transport = await makeTransport();
      const manifests = [
        agentManifest('worker', {
          subscribe: [{ type: 'Job' }],
          emits: ['Done'],
          concurrency: 2,
          config: { out: 'Done' },
        }),
      ];
      const opts = { fetchBlockMs: 50, visibilityTimeoutMs: 3000 };
      const first = createRuntime({
        transport: keepOpen(transport),
        nodeId: 'node-1',
        pool: sharedPool(pool),
        options: opts,
      });
      const done: CloudEvent[] = [];
      await transport.observe(['Done'], (e) => done.push(e));
      await first.apply(manifests);
      for (let i = 0; i < 5; i++) await first.publish('Job', { sleepMs: 400 });
      await until('two in flight', () => first.agents()[0]!.inFlight === 2);
      await first.close({ deadlineMs: 5000 });
      // The two in-flight events were committed before close returned (observers may lag).
      await until('the two in-flight outputs', () => done.length === 2);
      expect(first.agents()).toEqual([]);
      const stats = await transport.stats('worker', ['Job']);
      expect(stats.pending + stats.lag).toBe(3);
      const second = createRuntime({
        transport,
        nodeId: 'node-2',
        pool: sharedPool(pool),
        options: opts,
      });
      open.push(second);
      await second.apply(manifests);
      await until('the other three', () => done.length === 5);
      expect(new Set(done.map((e) => e.causationid)).size).toBe(5);
    });

    it('apply adds an agent without disturbing one that is running', async () => {
      const rt = await runtime();
      const a = agentManifest('alpha', {
        subscribe: [{ type: 'Job' }],
        emits: ['Done'],
        concurrency: 2,
        config: { out: 'Done' },
      });
      const done = await observe(rt, ['Done', 'Beta']);
      expect(await rt.apply([a])).toMatchObject({ start: ['alpha'] });
      await rt.publish('Job', { sleepMs: 500 });
      await rt.publish('Job', { sleepMs: 500 });
      await until('alpha busy', () => status(rt, 'alpha').inFlight === 2);
      const b = agentManifest('beta', {
        subscribe: [{ type: 'Job' }],
        emits: ['Beta'],
        config: { out: 'Beta' },
      });
      const plan = await rt.apply([a, b]);
      expect(plan).toEqual({ start: ['beta'], restart: [], stop: [], unchanged: ['alpha'] });
      // alpha kept its in-flight work and counters: it was not restarted.
      expect(status(rt, 'alpha')).toMatchObject({ state: 'running', consumed: 2, inFlight: 2 });
      await rt.publish('Job', {});
      await until(
        'alpha 3 done, beta 1 done',
        () =>
          done.filter((e) => e.type === 'Done').length === 3 && done.some((e) => e.type === 'Beta'),
      );
      expect(status(rt, 'alpha')).toMatchObject({ consumed: 3, succeeded: 3 });
      expect(await rt.apply([b])).toEqual({
        start: [],
        restart: [],
        stop: ['alpha'],
        unchanged: ['beta'],
      });
      expect(rt.agents().map((s) => s.name)).toEqual(['beta']);
    });
  });
}

/** A transport whose close is a no-op, so a second runtime can reuse it after the first closed. */
function keepOpen(t: Transport): Transport {
  return new Proxy(t, {
    get(target, prop, receiver) {
      if (prop === 'close') return () => Promise.resolve();
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
