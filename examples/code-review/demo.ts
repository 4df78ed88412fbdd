// The code-review swarm on the generated sample repository: start a runtime (4 worker threads, a
// workspace the demo can read back), apply manifests/code-review.yaml, open the pull request,
// print review.completed's markdown, and collect every reviewer's own result and the findings
// stored in the workspace. Run it:  pnpm exec tsx examples/code-review/demo.ts [--redis URL]
// The end-to-end test (demo.int.test.ts) runs the same function and asserts the findings.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifests, type CloudEvent } from '@troupe/core';
import {
  createMemoryTransport,
  createRedisTransport,
  createRedisWorkspaceStore,
  createRuntime,
  createSqlWorkspaceStore,
  type WorkspaceStore,
  type WorkspaceTarget,
} from '@troupe/runtime';
import { createSampleRepo, type SampleRepo } from './sample-repo.js';

export const REVIEW_MANIFEST = fileURLToPath(
  new URL('../../manifests/code-review.yaml', import.meta.url),
);
export const REVIEWER_TYPES = [
  'security.scan.completed',
  'style.check.completed',
  'coverage.completed',
  'docs.check.completed',
] as const;

export interface ReviewDemoOptions {
  /** Run on Redis at this URL (streams and workspace). Default: the embedded in-memory node. */
  readonly redisUrl?: string;
  /** Redis key namespace. Default `troupe-review`. */
  readonly namespace?: string;
  /** An existing repository instead of the generated sample. */
  readonly repo?: SampleRepo;
  /** Keep the generated sample repository (the default removes it at the end). */
  readonly keepRepo?: boolean;
  /** Wait for review.completed and every reviewer, ms. Default 120,000. */
  readonly timeoutMs?: number;
}

export interface ReviewDemoResult {
  readonly repo: SampleRepo;
  readonly completed: CloudEvent;
  /** Each reviewer's own completion event, by type (all four, also those past the quorum). */
  readonly reviewers: Record<string, CloudEvent>;
  /** Findings read back from the workspace under the review's correlation id. */
  readonly stored: unknown[];
  readonly elapsedMs: number;
}

export async function runReviewDemo(o: ReviewDemoOptions = {}): Promise<ReviewDemoResult> {
  const repo = o.repo ?? createSampleRepo();
  const dir = mkdtempSync(path.join(tmpdir(), 'troupe-review-'));
  const ns = o.namespace ?? 'troupe-review';
  const workspace: WorkspaceTarget = o.redisUrl
    ? { kind: 'redis', url: o.redisUrl, namespace: ns }
    : { kind: 'sqlite', filename: path.join(dir, 'workspace.db') };
  const rt = createRuntime({
    transport: o.redisUrl
      ? await createRedisTransport({ url: o.redisUrl, namespace: ns })
      : createMemoryTransport(),
    nodeId: 'review-demo',
    options: { fetchBlockMs: 100, workspace, pool: { threads: 4 } },
  });
  let store: WorkspaceStore | undefined;
  try {
    await rt.apply((await loadManifests([REVIEW_MANIFEST])).manifests);
    const timeoutMs = o.timeoutMs ?? 120_000;
    const correlationId = crypto.randomUUID();
    const waits = await Promise.all(
      [...REVIEWER_TYPES, 'review.completed'].map((t) => rt.waitFor(correlationId, [t], timeoutMs)),
    );
    const t0 = Date.now();
    await rt.publish(
      'pull_request.opened',
      { repoPath: repo.repoPath, base: repo.base, head: repo.head },
      { correlationId },
    );
    const completed = await waits.at(-1)!.event;
    const elapsedMs = Date.now() - t0;
    const events = await Promise.all(waits.slice(0, -1).map((w) => w.event));
    store =
      workspace.kind === 'redis'
        ? await createRedisWorkspaceStore({ url: workspace.url, namespace: ns })
        : await createSqlWorkspaceStore({ filename: path.join(dir, 'workspace.db') });
    const stored = (await store.list(correlationId, { prefix: 'finding:' })).map((e) => e.value);
    return {
      repo,
      completed,
      reviewers: Object.fromEntries(events.map((e) => [e.type, e])),
      stored,
      elapsedMs,
    };
  } finally {
    await store?.close();
    await rt.close({ deadlineMs: 2000 });
    rmSync(dir, { recursive: true, force: true });
    if (!o.repo && !o.keepRepo) rmSync(repo.repoPath, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--redis');
  const redisUrl = i > 0 ? process.argv[i + 1] : process.env.REDIS_URL;
  runReviewDemo({ keepRepo: true, ...(redisUrl ? { redisUrl } : {}) })
    .then((r) => {
      const d = r.completed.data as { markdown: string };
      console.log(`sample repository: ${r.repo.repoPath} (${r.repo.base}...${r.repo.head})\n`);
      console.log(d.markdown);
      console.log(
        `review.completed after ${r.elapsedMs} ms; ${r.stored.length} findings in the workspace`,
      );
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    });
}
