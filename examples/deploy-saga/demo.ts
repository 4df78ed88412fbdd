// The deployment saga with its trace: start a runtime with the event archive, apply
// manifests/deploy-saga.yaml, request a deploy (optionally failing one step), print the outcome,
// the platform's state file and the causal tree, where the compensations appear in reverse
// order. Run it:  pnpm exec tsx examples/deploy-saga/demo.ts [--fail deploy|routing|verify] [--redis URL]
// The end-to-end test (demo.int.test.ts) runs the same function and asserts its result.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifests, type CloudEvent } from '@troupe/core';
import {
  createEventArchive,
  createMemoryTransport,
  createRedisTransport,
  createRuntime,
  renderTraceTree,
  type Trace,
} from '@troupe/runtime';
import { readState, type PlatformState } from '../../agents/deploy/state-file.js';

export const DEPLOY_MANIFEST = fileURLToPath(
  new URL('../../manifests/deploy-saga.yaml', import.meta.url),
);

export interface DeployDemoOptions {
  readonly service?: string;
  readonly version?: string;
  /** The step to fail (failure injection). Default: none. */
  readonly fail?: 'deploy' | 'routing' | 'verify';
  /** Run on Redis at this URL. Default: the embedded in-memory node. */
  readonly redisUrl?: string;
  /** Redis key namespace. Default `troupe-deploy`. */
  readonly namespace?: string;
  /** The platform state file. Default: one in a fresh temporary directory. */
  readonly stateFile?: string;
  /** Wait for the outcome, ms. Default 20,000. */
  readonly timeoutMs?: number;
}

export interface DeployDemoResult {
  readonly outcome: CloudEvent;
  readonly trace: Trace;
  readonly traceText: string;
  readonly state: PlatformState;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every trace node in causal (depth-first, emission) order. */
export function flatten(trace: Trace): Trace['roots'] {
  const out: Trace['roots'] = [];
  const walk = (n: Trace['roots'][number]): void => {
    out.push(n);
    n.children.forEach(walk);
  };
  trace.roots.forEach(walk);
  return out;
}

export async function runDeployDemo(o: DeployDemoOptions = {}): Promise<DeployDemoResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'troupe-deploy-'));
  const stateFile = o.stateFile ?? path.join(dir, 'deploy-state.json');
  // Worker threads read the environment at start: set before the runtime creates its pool.
  const prior = process.env.TROUPE_DEPLOY_STATE;
  process.env.TROUPE_DEPLOY_STATE = stateFile;
  const ns = o.namespace ?? 'troupe-deploy';
  const rt = createRuntime({
    transport: o.redisUrl
      ? await createRedisTransport({ url: o.redisUrl, namespace: ns })
      : createMemoryTransport(),
    nodeId: 'deploy-demo',
    options: {
      fetchBlockMs: 100,
      workspace: false,
      archive: await createEventArchive({
        filename: path.join(dir, 'archive.db'),
        flushIntervalMs: 50,
      }),
    },
  });
  try {
    const set = await loadManifests([DEPLOY_MANIFEST]);
    await rt.apply(set.manifests);
    const { result: outcome } = await rt.request(
      'deploy.requested',
      {
        service: o.service ?? 'checkout',
        version: o.version ?? 'v2',
        ...(o.fail ? { fail: o.fail } : {}),
      },
      { wait: ['deploy.completed', 'deploy.aborted'], timeoutMs: o.timeoutMs ?? 20_000 },
    );
    // Compensations run beside the saga's last emission: let them and the archive settle.
    const compensated = (outcome.data as { compensated?: string[] }).compensated ?? [];
    const done = (t: Trace): boolean =>
      flatten(t).filter((n) => n.type === 'deploy.rolled-back' || n.type === 'routing.reverted')
        .length === compensated.length;
    let trace = await rt.trace(outcome.correlationid);
    await until(async () => done((trace = await rt.trace(outcome.correlationid))), 5000);
    return { outcome, trace, traceText: renderTraceTree(trace), state: await readState(stateFile) };
  } finally {
    await rt.close({ deadlineMs: 2000 });
    if (prior === undefined) delete process.env.TROUPE_DEPLOY_STATE;
    else process.env.TROUPE_DEPLOY_STATE = prior;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (flag: string): string | undefined => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const fail = arg('--fail') as DeployDemoOptions['fail'];
  const redisUrl = arg('--redis') ?? process.env.REDIS_URL;
  runDeployDemo({ ...(fail ? { fail } : {}), ...(redisUrl ? { redisUrl } : {}) })
    .then((r) => {
      console.log(`${r.outcome.type} ${JSON.stringify(r.outcome.data)}\n`);
      console.log(`platform state: ${JSON.stringify(r.state.services)}`);
      const c = (r.outcome.data as { compensated?: string[] }).compensated;
      if (c) console.log(`compensated, in this order: ${c.join(' → ')}`);
      console.log(`platform log: ${r.state.log.map((l) => l.action).join(' → ')}\n`);
      console.log(r.traceText);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    });
}
