// The fan-in benchmark of the code-review swarm: with one reviewer made slow (docs-checker held
// back `--slow-ms`), the time from pull_request.opened to the answer, in one run on one runtime:
//   sequential   one reviewer after another (each awaited before the next starts),
//   parallel-all the four in parallel, aggregator policy all,
//   quorum 3/4   the four in parallel, aggregator count 3 (the shipped manifest).
// Every variant first runs once to warm the worker threads, then `--reps` times; medians.
//   pnpm exec tsx examples/code-review/fanin-bench.ts [--slow-ms 3000] [--reps 3] [--redis URL]
import { fileURLToPath } from 'node:url';
import { loadManifests, type AggregatorManifest, type LoadedManifest } from '@troupe/core';
import {
  createMemoryTransport,
  createRedisTransport,
  createRuntime,
  type Runtime,
} from '@troupe/runtime';
import { REVIEW_MANIFEST, REVIEWER_TYPES } from './demo.js';
import { createSampleRepo } from './sample-repo.js';
import { rmSync } from 'node:fs';

export interface FaninFigures {
  slowMs: number;
  reps: number;
  /** Median ms per variant. */
  sequential: number;
  parallelAll: number;
  quorum: number;
  samples: Record<'sequential' | 'parallelAll' | 'quorum', number[]>;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** The shipped manifests with docs-checker slowed and the aggregator's quorum replaced. */
function variant(
  base: readonly LoadedManifest[],
  slowMs: number,
  quorum: AggregatorManifest['spec']['quorum'],
): LoadedManifest[] {
  return base.map((m) => {
    const doc = m.manifest;
    if (doc.kind === 'Agent' && doc.metadata.name === 'docs-checker')
      return {
        ...m,
        manifest: {
          ...doc,
          spec: { ...doc.spec, config: { ...doc.spec.config, delayMs: slowMs } },
        },
      };
    if (doc.kind === 'Aggregator')
      return { ...m, manifest: { ...doc, spec: { ...doc.spec, quorum } } };
    return m;
  });
}

export async function runFaninBench(
  o: { slowMs?: number; reps?: number; redisUrl?: string; print?: (l: string) => void } = {},
): Promise<FaninFigures> {
  const slowMs = o.slowMs ?? 3000;
  const reps = o.reps ?? 3;
  const print = o.print ?? (() => {});
  const repo = createSampleRepo();
  const pr = { repoPath: repo.repoPath, base: repo.base, head: repo.head };
  const rt: Runtime = createRuntime({
    transport: o.redisUrl
      ? await createRedisTransport({ url: o.redisUrl, namespace: `troupe-fanin-${process.pid}` })
      : createMemoryTransport(),
    nodeId: 'fanin-bench',
    options: { fetchBlockMs: 50, pool: { threads: 4 } },
  });
  const base = (await loadManifests([REVIEW_MANIFEST])).manifests;
  const time = async (wait: readonly string[]): Promise<number> => {
    const t0 = performance.now();
    await rt.request('pull_request.opened', pr, { wait, timeoutMs: 120_000 });
    return performance.now() - t0;
  };
  const samples = {
    sequential: [] as number[],
    parallelAll: [] as number[],
    quorum: [] as number[],
  };
  try {
    // Sequential: the same agents, one awaited after another (what an orchestrator calling them in turn does).
    await rt.apply(variant(base, slowMs, { policy: 'all' }));
    const sequentialOnce = async (): Promise<number> => {
      let total = 0;
      for (const t of REVIEWER_TYPES) {
        const name = {
          'security.scan.completed': 'security-scanner',
          'style.check.completed': 'style-checker',
          'coverage.completed': 'coverage-analyzer',
          'docs.check.completed': 'docs-checker',
        }[t];
        await rt.apply(
          variant(base, slowMs, { policy: 'all' }).filter(
            (m) =>
              m.manifest.kind !== 'Agent' ||
              m.manifest.metadata.name === name ||
              m.manifest.metadata.name === 'review-reporter',
          ),
        );
        total += await time([t]);
      }
      return total;
    };
    const runs: [keyof typeof samples, () => Promise<number>][] = [
      ['sequential', sequentialOnce],
      [
        'parallelAll',
        async () => {
          await rt.apply(variant(base, slowMs, { policy: 'all' }));
          return time(['review.completed']);
        },
      ],
      [
        'quorum',
        async () => {
          await rt.apply(variant(base, slowMs, { policy: 'count', count: 3 }));
          return time(['review.completed']);
        },
      ],
    ];
    for (const [, run] of runs) await run(); // warm-up: modules loaded in every thread
    for (let i = 0; i < reps; i++)
      for (const [key, run] of runs) {
        const ms = await run();
        samples[key].push(ms);
        print(`${key} #${i + 1}: ${Math.round(ms)} ms`);
      }
  } finally {
    await rt.close({ deadlineMs: 2000 });
    rmSync(repo.repoPath, { recursive: true, force: true });
  }
  return {
    slowMs,
    reps,
    sequential: median(samples.sequential),
    parallelAll: median(samples.parallelAll),
    quorum: median(samples.quorum),
    samples,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (f: string): string | undefined => {
    const i = process.argv.indexOf(f);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const redisUrl = arg('--redis');
  runFaninBench({
    ...(arg('--slow-ms') ? { slowMs: Number(arg('--slow-ms')) } : {}),
    ...(arg('--reps') ? { reps: Number(arg('--reps')) } : {}),
    ...(redisUrl ? { redisUrl } : {}),
    print: (l) => console.error(l),
  })
    .then((f) => {
      console.log(`fan-in, docs-checker slowed by ${f.slowMs} ms, median of ${f.reps}:`);
      console.log(`  sequential    ${Math.round(f.sequential)} ms`);
      console.log(`  parallel-all  ${Math.round(f.parallelAll)} ms`);
      console.log(`  quorum 3/4    ${Math.round(f.quorum)} ms`);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    });
}
