// End-to-end latency of the nl2sql pipeline without an LLM (the offline translator): each
// question is published as QueryReceived and timed until its outcome (ResultsRendered, or a
// clarification / error), one at a time, on an in-process runtime with worker threads, after a
// warm-up that loads the handlers and the schema. Five agents, four hops, a guarded SQLite read,
// an HTML report written per question.
//
//   pnpm exec tsx examples/nl2sql/bench.ts [--n 100] [--warmup 5] [--redis redis://127.0.0.1:6379]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { OUTCOMES, startSystem } from './e2e-support.js';
import { ensureSampleDatabase } from './generate.js';
import { ANSWERS } from './questions.js';

/**
 * Remove the run's keys from a shared Redis with redis-cli (SCAN + UNLINK). @troupe/test-support's
 * helper cannot be used outside vitest; without redis-cli the namespace is printed instead.
 */
function cleanupRedis(url: string, namespace: string): void {
  try {
    const keys = execFileSync('redis-cli', ['-u', url, '--scan', '--pattern', `${namespace}:*`], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((k) => k !== '');
    for (let i = 0; i < keys.length; i += 500)
      execFileSync('redis-cli', ['-u', url, 'UNLINK', ...keys.slice(i, i + 500)]);
  } catch {
    console.warn(`could not clean up: delete the Redis keys ${namespace}:* yourself`);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '100' },
      warmup: { type: 'string', default: '5' },
      redis: { type: 'string' },
    },
  });
  const n = Number(values.n);
  const warmup = Number(values.warmup);
  await ensureSampleDatabase();
  const reportsDir = mkdtempSync(join(tmpdir(), 'troupe-bench-reports-'));
  const namespace = `bench-nl2sql-${randomBytes(4).toString('hex')}`;
  const { runtime } = await startSystem({
    reportsDir,
    ...(values.redis === undefined ? {} : { redis: { url: values.redis, namespace } }),
  });
  const outcomes = new Map<string, number>();
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup + n; i++) {
      const question = ANSWERS[i % ANSWERS.length]!.question;
      const started = performance.now();
      const { result } = await runtime.request(
        'QueryReceived',
        { question },
        { wait: OUTCOMES, timeoutMs: 60_000 },
      );
      const ms = performance.now() - started;
      if (i < warmup) continue;
      times.push(ms);
      outcomes.set(result.type, (outcomes.get(result.type) ?? 0) + 1);
    }
  } finally {
    await runtime.close();
    rmSync(reportsDir, { recursive: true, force: true });
    if (values.redis !== undefined) cleanupRedis(values.redis, namespace);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const f = (x: number): string => x.toFixed(1);
  console.log(
    `nl2sql end-to-end (${values.redis === undefined ? 'embedded: memory transport' : `redis ${values.redis}`}), ${times.length} questions after ${warmup} warm-up`,
  );
  console.log(
    `  p50 ${f(percentile(times, 50))} ms  p90 ${f(percentile(times, 90))} ms  p99 ${f(percentile(times, 99))} ms  max ${f(times.at(-1)!)} ms  mean ${f(mean)} ms`,
  );
  console.log(`  outcomes: ${[...outcomes].map(([t, c]) => `${t} ${c}`).join(', ')}`);
}

await main();
