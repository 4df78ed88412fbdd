// `troupe.deadlettered` through a real runtime node, on every transport (memory:
// deadlettered.test.ts, Redis: deadlettered.int.test.ts): one announcement per dead-letter entry
// (a redriven event that fails again is a new entry, so a new announcement), with the agent,
// the event, reason, attempts, error and the agent's declared emits; and no storm when an
// agent subscribed to it fails in turn.
import { ErrorCode, createEvent, type CloudEvent } from '@troupe/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../node/runtime.js';
import type { Transport } from '../transport/contract.js';
import type { WorkerPool } from '../workers/contract.js';
import { createWorkerPool } from '../workers/index.js';
import type { DeadLetteredData } from './system-events.js';
import { agentManifest, eventTypeManifest, fixture, sharedPool, until } from './testing.js';

const fast = { backoff: 'fixed', initialDelayMs: 20, jitter: 0 } as const;

export function deadLetteredCases(name: string, makeTransport: () => Promise<Transport>): void {
  describe(`troupe.deadlettered on ${name}`, () => {
    let pool: WorkerPool;
    const open: Runtime[] = [];

    beforeAll(async () => {
      pool = createWorkerPool({ threads: 1 });
      const warm = {
        handlerPath: fixture('scripted'),
        agent: 'warm',
        attempt: 1,
        timeoutMs: 30_000,
        config: {},
      };
      await pool.run([{ ...warm, event: createEvent({ type: 'Warm', data: {} }) }]);
    });
    afterAll(async () => {
      await Promise.all(open.map((r) => r.close({ deadlineMs: 1000 })));
      await pool.close(2000);
    });

    async function runtime(): Promise<Runtime> {
      const rt = createRuntime({
        transport: await makeTransport(),
        nodeId: 'node-1',
        pool: sharedPool(pool),
        options: { fetchBlockMs: 50, visibilityTimeoutMs: 3000, workspace: false },
      });
      open.push(rt);
      return rt;
    }

    async function observe(rt: Runtime, types: string[]): Promise<CloudEvent[]> {
      const seen: CloudEvent[] = [];
      await rt.transport.observe(types, (e) => seen.push(e));
      return seen;
    }

    const letters = async (rt: Runtime, agent: string, n: number): Promise<void> =>
      until(`${n} dead letters of ${agent}`, async () => {
        return (await rt.transport.deadLetters(agent)).length === n;
      });

    it('is published once per dead-letter entry, with the right data', async () => {
      const rt = await runtime();
      const seen = await observe(rt, ['troupe.deadlettered']);
      await rt.apply([
        eventTypeManifest('Job', { entry: true }),
        agentManifest('worker', {
          subscribe: [{ type: 'Job' }],
          emits: ['Done', 'Skipped'],
          retry: { attempts: 2, ...fast },
        }),
      ]);
      const ev = await rt.publish('Job', { failAttempts: 2 });
      await letters(rt, 'worker', 1);
      await until('announced', () => seen.length === 1);
      const data: DeadLetteredData = {
        agent: 'worker',
        eventId: ev.id,
        type: 'Job',
        reason: 'retries-exhausted',
        attempts: 2,
        error: { code: ErrorCode.HandlerFailed, message: 'scripted failure on attempt 2' },
        emits: ['Done', 'Skipped'],
      };
      expect(seen[0]).toMatchObject({
        type: 'troupe.deadlettered',
        source: 'troupe://node/node-1',
        correlationid: ev.correlationid,
        causationid: ev.id,
        hops: ev.hops + 1,
        data,
      });
      // A second failing event: a second entry, a second announcement.
      const other = await rt.publish('Job', { nonRetryable: true });
      await letters(rt, 'worker', 2);
      await until('second announced', () => seen.length === 2);
      expect(seen[1]!.data).toMatchObject({
        eventId: other.id,
        reason: 'non-retryable',
        attempts: 1,
      });
      // Redriven, the first event fails twice more: a new entry, announced under a new id.
      expect(
        await rt.transport.redrive('worker', [(await rt.transport.deadLetters('worker'))[0]!.id]),
      ).toBe(1);
      await until('third announced', () => seen.length === 3, 10_000);
      expect(seen[2]!.data).toMatchObject({ eventId: ev.id, reason: 'retries-exhausted' });
      expect(new Set(seen.map((e) => e.id)).size).toBe(3);
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toHaveLength(3);
      expect(await rt.transport.deadLetters('worker')).toHaveLength(2);
    });

    it('cannot storm: an agent subscribed to it that fails is dead-lettered without a new announcement', async () => {
      const rt = await runtime();
      const seen = await observe(rt, ['troupe.deadlettered']);
      await rt.apply([
        eventTypeManifest('Job', { entry: true }),
        agentManifest('worker', { subscribe: [{ type: 'Job' }], retry: { attempts: 1 } }),
        // The alerting agent fails on every announcement: it emits a type it does not declare.
        agentManifest('alerter', {
          handler: 'scripted',
          subscribe: [{ type: 'troupe.deadlettered' }],
          retry: { attempts: 1 },
          config: { out: 'Undeclared' },
        }),
      ]);
      await rt.publish('Job', { nonRetryable: true });
      await letters(rt, 'worker', 1);
      await letters(rt, 'alerter', 1);
      await new Promise((r) => setTimeout(r, 500));
      expect(seen.map((e) => (e.data as DeadLetteredData).agent)).toEqual(['worker']);
      const [dl] = await rt.transport.deadLetters('alerter');
      expect(dl).toMatchObject({ reason: 'undeclared-emission', event: { id: seen[0]!.id } });
    });
  });
}
