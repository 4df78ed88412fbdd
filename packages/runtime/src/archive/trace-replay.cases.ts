// Traces and replay on a real runtime with the archive on, run by both transports (memory:
// trace-replay.test.ts, Redis: trace-replay.int.test.ts). The choreography: intake (Start →
// Mid), worker (Mid → End, fails its first attempt), auditor (Mid, always refuses → DLQ),
// closer (End). The trace must show the tree, the retried handler and the dead letter; replay
// of the correlation to the worker must re-run the worker and nobody else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@troupe/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responder, warmResponders } from '../coordination/testing.js';
import { createRuntime, type Runtime } from '../node/runtime.js';
import { sharedPool, until } from '../pipeline/testing.js';
import type { Transport } from '../transport/contract.js';
import type { WorkerPool } from '../workers/contract.js';
import { createWorkerPool } from '../workers/index.js';
import { createEventArchive } from './event-archive.js';
import { renderTraceTree } from './render-trace.js';
import type { Trace, TraceNode } from './trace.js';

const fast = { attempts: 3, backoff: 'fixed', initialDelayMs: 20, jitter: 0 } as const;

export function traceReplayCases(name: string, makeTransport: () => Promise<Transport>): void {
  describe(`traces and replay on ${name}`, () => {
    let pool: WorkerPool;
    let rt: Runtime;
    let dir: string;
    let corr: string;

    const status = (agent: string) => rt.agents().find((a) => a.name === agent)!;
    const find = (t: Trace, type: string): TraceNode => {
      const walk = (n: TraceNode): TraceNode | undefined =>
        n.type === type ? n : n.children.map(walk).find((x) => x !== undefined);
      return t.roots.map(walk).find((x) => x !== undefined)!;
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'troupe-trace-'));
      pool = createWorkerPool({ threads: 2 });
      await warmResponders(pool);
      rt = createRuntime({
        transport: await makeTransport(),
        nodeId: 'node-1',
        pool: sharedPool(pool),
        options: {
          fetchBlockMs: 50,
          visibilityTimeoutMs: 3000,
          workspace: false,
          archive: await createEventArchive({
            filename: join(dir, 'archive.db'),
            flushIntervalMs: 50,
          }),
        },
      });
      await rt.apply([
        responder('intake', 'Start', { out: 'Mid' }, fast),
        responder('worker', 'Mid', { out: 'End', failAttempts: 1 }, fast),
        responder('auditor', 'Mid', { nonRetryable: true }, fast),
        responder('closer', 'End', {}, fast),
      ]);
      const { request } = await rt.request('Start', { n: 1 }, { wait: ['End'], timeoutMs: 10_000 });
      corr = request.correlationid;
      await until('auditor dead letter and closer', () => {
        return status('auditor').deadLettered === 1 && status('closer').succeeded === 1;
      });
      // Warming the pool's threads and the first round trip are slow on a loaded 2-core runner:
      // the default 10 s hook timeout would cut the request's own 10 s wait short.
    }, 30_000);
    afterAll(async () => {
      await rt?.close({ deadlineMs: 1000 });
      await pool?.close(2000);
      rmSync(dir, { recursive: true, force: true });
    });

    it('trace shows the causal tree, who handled each event, the retry and the dead letter', async () => {
      let trace!: Trace;
      await until('every outcome archived', async () => {
        trace = await rt.trace(corr);
        return find(trace, 'End')?.handledBy.length === 1;
      });
      // Start, Mid, End, and the troupe.deadlettered announcing the auditor's dead letter.
      expect(trace.eventCount).toBe(4);
      expect(trace.roots.map((r) => r.type)).toEqual(['Start']);
      const start = trace.roots[0]!;
      const mid = find(trace, 'Mid');
      const end = find(trace, 'End');
      const announced = find(trace, 'troupe.deadlettered');
      expect(start.children.map((c) => c.id)).toEqual([mid.id]);
      expect(mid.children.map((c) => c.id).sort()).toEqual([end.id, announced.id].sort());
      expect(trace.edges).toEqual(
        expect.arrayContaining([
          { from: start.id, to: mid.id },
          { from: mid.id, to: end.id },
          { from: mid.id, to: announced.id },
        ]),
      );
      expect(trace.edges).toHaveLength(3);
      expect([start.hops, mid.hops, end.hops]).toEqual([0, 1, 2]);
      expect(start.handledBy.map((h) => [h.agent, h.outcome])).toEqual([['intake', 'committed']]);
      const worker = mid.handledBy.find((h) => h.agent === 'worker')!;
      expect(worker.attempts.map((a) => [a.attempt, a.settlement, a.ok])).toEqual([
        [1, 'retried', false],
        [2, 'committed', true],
      ]);
      expect(worker.attempts[0]!.error).toMatchObject({ code: ErrorCode.HandlerFailed });
      expect(worker.attempts[1]!.durationMs).toBeGreaterThan(0);
      const auditor = mid.handledBy.find((h) => h.agent === 'auditor')!;
      expect(auditor.outcome).toBe('dead-lettered');
      expect(trace.deadLetters).toEqual([
        expect.objectContaining({
          agent: 'auditor',
          eventId: mid.id,
          type: 'Mid',
          reason: 'non-retryable',
          attempts: 1,
        }),
      ]);
      expect(end.handledBy.map((h) => h.agent)).toEqual(['closer']);

      const text = renderTraceTree(trace);
      expect(text).toContain(`trace ${corr}: 4 events, 1 dead letters`);
      expect(text).toMatch(/^Start {2}\S+ {2}from troupe:\/\/external/m);
      expect(text).toMatch(/├─ ↻ worker: #1 retried.*HANDLER_FAILED.* → #2 committed/);
      expect(text).toMatch(/✗ auditor: #1 dead-lettered.*reason non-retryable/);
      // Mid's children render in event-time order (then id). End and the auditor's announcement
      // race (the worker's retry against the auditor's dead letter), so either may come last:
      // the tree must draw the earlier one with ├─ and the later one with └─.
      const [first, last] = mid.children as [TraceNode, TraceNode];
      expect(Date.parse(first.time)).toBeLessThanOrEqual(Date.parse(last.time));
      expect(text).toContain(`   ├─ ${first.type}  ${first.id}  `);
      expect(text).toContain(`   └─ ${last.type}  ${last.id}  `);
      expect(text).toMatch(new RegExp(`End {2}${end.id} .*\\n.*└─ ✓ closer: #1 committed`));
      expect(text).toContain('dead letters:\n  auditor: Mid');
    });

    it('replay --dry-run lists the events of the correlation the agent subscribes to, and runs nothing', async () => {
      const before = status('worker').consumed;
      const r = await rt.replay({ agent: 'worker', correlationId: corr, dryRun: true });
      expect(r.dryRun).toBe(true);
      expect(r.events.map((e) => e.type)).toEqual(['Mid']);
      expect(r.skipped.map((e) => e.type).sort()).toEqual(['End', 'Start', 'troupe.deadlettered']);
      await new Promise((res) => setTimeout(res, 300));
      expect(status('worker').consumed).toBe(before);
    });

    it('replay of one correlation to one agent re-runs only that agent', async () => {
      const before = Object.fromEntries(
        ['intake', 'worker', 'auditor', 'closer'].map((a) => [a, status(a).consumed]),
      );
      const r = await rt.replay({ agent: 'worker', correlationId: corr });
      expect(r.events).toHaveLength(1);
      // Attempts restart at 1, so the worker's scripted first-attempt failure happens again.
      await until('worker re-ran', () => status('worker').consumed === before.worker! + 2);
      await new Promise((res) => setTimeout(res, 400));
      expect(status('worker').consumed).toBe(before.worker! + 2);
      // The worker's End carries the same id as before: the closer's dedupe drops it.
      for (const other of ['intake', 'auditor', 'closer'])
        expect(status(other).consumed).toBe(before[other]);
      const trace = await rt.trace(corr);
      expect(trace.eventCount).toBe(4);
      const attempts = find(trace, 'Mid').handledBy.find((h) => h.agent === 'worker')!.attempts;
      expect(attempts.map((a) => [a.attempt, a.settlement])).toEqual([
        [1, 'retried'],
        [2, 'committed'],
        [1, 'retried'],
        [2, 'committed'],
      ]);
    });

    it('replay refuses an unknown agent and a selection that selects everything', async () => {
      await expect(rt.replay({ agent: 'nobody', correlationId: corr })).rejects.toMatchObject({
        code: ErrorCode.NotFound,
      });
      await expect(rt.replay({ agent: 'worker' })).rejects.toMatchObject({
        code: ErrorCode.InvalidOption,
        data: { field: 'ids' },
      });
      await expect(rt.replay({ agent: 'worker', from: 'yesterday' })).rejects.toMatchObject({
        data: { field: 'from' },
      });
    });

    it('replay by id and by time range selects the same archived event', async () => {
      const mid = find(await rt.trace(corr), 'Mid');
      const byId = await rt.replay({ agent: 'worker', ids: [mid.id], dryRun: true });
      expect(byId.events.map((e) => e.id)).toEqual([mid.id]);
      const t = Date.parse(mid.time);
      const byTime = await rt.replay({ agent: 'worker', from: t, to: new Date(t), dryRun: true });
      expect(byTime.events.map((e) => e.id)).toContain(mid.id);
    });
  });
}
