// End to end: the deployment saga on a real runtime (worker threads, the event archive; Redis
// when reachable). A routing failure rolls the deploy back; a smoke-test failure compensates
// routing THEN deploy (reverse order) and the trace shows it; a clean run completes.
import {
  cleanupRedisPrefix,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { flatten, runDeployDemo, type DeployDemoOptions } from './demo.js';

interface SagaStateLike {
  status: string;
  completed: string[];
  history: { note: string }[];
}

function sagaState(r: Awaited<ReturnType<typeof runDeployDemo>>): SagaStateLike {
  const view = r.trace.coordination.find((c) => c.kind === 'saga' && c.name === 'deploy-service');
  return view!.state as SagaStateLike;
}

function cases(extra: DeployDemoOptions = {}): void {
  it('a routing failure rolls back the deploy; the platform is as before', async () => {
    const r = await runDeployDemo({ ...extra, fail: 'routing' });
    expect(r.outcome.type).toBe('deploy.aborted');
    expect(r.outcome.data).toMatchObject({
      failedStep: 'routing',
      reason: 'failure',
      compensated: ['deploy'],
      error: { reason: expect.stringContaining('load balancer') as unknown },
    });
    expect(r.state.log.map((l) => l.action)).toEqual(['deploy', 'rollback']);
    expect(r.state.services.checkout).toMatchObject({ versions: {}, live: null });
    const types = flatten(r.trace).map((n) => n.type);
    expect(types).toContain('deploy.rollback');
    expect(types).toContain('deploy.rolled-back');
    expect(types).not.toContain('routing.revert');
    expect(r.traceText).toMatch(/step routing failed: compensated \[deploy\], failed/);
  });

  it('a smoke-test failure compensates routing, then deploy (reverse order), visible in the trace', async () => {
    const r = await runDeployDemo({ ...extra, fail: 'verify' });
    expect(r.outcome.data).toMatchObject({
      failedStep: 'verify',
      compensated: ['routing', 'deploy'],
    });
    const failed = flatten(r.trace).find((n) => n.type === 'verify.failed')!;
    const children = failed.children.map((n) => n.type).sort();
    expect(children).toEqual(['deploy.aborted', 'deploy.rollback', 'routing.revert']);
    const state = sagaState(r);
    expect(state).toMatchObject({ status: 'failed', completed: ['deploy', 'routing'] });
    expect(state.history.at(-1)!.note).toBe(
      'step verify failed: compensated [routing, deploy], failed',
    );
    expect(r.traceText).toContain('compensated [routing, deploy]');
    // Both compensations were handled by their agents and left the platform as it was.
    for (const t of ['routing.revert', 'deploy.rollback'])
      expect(flatten(r.trace).find((n) => n.type === t)!.handledBy[0]!.outcome).toBe('committed');
    expect([...r.state.log.map((l) => l.action)].slice(0, 2)).toEqual(['deploy', 'route']);
    expect([...r.state.log.map((l) => l.action)].slice(2).sort()).toEqual(['rollback', 'unroute']);
    expect(r.state.services.checkout).toMatchObject({ versions: {}, live: null, switched: {} });
  });

  it('without a failure the saga completes and the new version is live', async () => {
    const r = await runDeployDemo({ ...extra, version: 'v3' });
    expect(r.outcome.type).toBe('deploy.completed');
    expect(r.outcome.data).toMatchObject({ steps: ['deploy', 'routing', 'verify'] });
    expect(r.state.services.checkout).toMatchObject({
      live: 'v3',
      versions: { v3: { replicas: 2 } },
    });
    expect(r.state.log.map((l) => l.action)).toEqual(['deploy', 'route']);
  });
}

describe('deployment saga on the embedded runtime', () => cases());

describeWithRedis('deployment saga on Redis', () => {
  const namespace = uniquePrefix('deploy');
  afterAll(async () => {
    await cleanupRedisPrefix(redisUrl(), namespace);
  });
  cases({ redisUrl: redisUrl(), namespace });
});
