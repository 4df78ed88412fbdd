// Benchmark of the worker pool (run: `pnpm exec tsx packages/runtime/src/workers/bench-pool.ts
// [--threads N] [--n TASKS] [--atomics disabled|sync|async]`): tasks/s, p50/p99 latency and process CPU per task for the trivial
// JSON handler of research/peer-benchmarks.md, one at a time and saturated (batches of 1, 16, 64),
// against a main-thread call of the same handler (bare, and through the worker runtime's context)
// in the same run.
import { parseArgs } from 'node:util';
import { createEvent } from '@troupe/core';
import type { HandlerContext } from '@troupe/core';
import type { HandlerTask } from './contract.js';
import { fixturePath } from './fixtures/make-task.js';
import { createWorkerPool } from './pool.js';
import { createWorkerRuntime } from './worker-runtime.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string' },
    n: { type: 'string', default: '100000' },
    atomics: { type: 'string', default: 'disabled' },
  },
});
const N = Number(values.n);

const body = JSON.stringify({
  question: 'total sales by region for the last quarter',
  dialect: 'sqlite',
  filters: { region: ['north', 'south', 'east', 'west'], minTotal: 1000 },
  limit: 100,
  requestedBy: 'bench',
});
const handlerPath = fixturePath('json-echo');
const task: HandlerTask = {
  handlerPath,
  agent: 'bench',
  event: createEvent({ type: 'bench.json', data: { body } }),
  attempt: 1,
  timeoutMs: 30_000,
  config: {},
};

interface Row {
  case: string;
  tasksPerSec: number;
  p50us: number;
  p99us: number;
  cpuUsPerTask: number;
}
const rows: Row[] = [];

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Run `total` tasks as `count` units of `per` tasks with `window` units in flight. */
async function measure(
  name: string,
  count: number,
  per: number,
  window: number,
  unit: () => unknown,
): Promise<void> {
  const lat = new Float64Array(count);
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const s = performance.now();
      await unit();
      lat[i] = performance.now() - s;
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  lat.sort();
  const total = count * per;
  rows.push({
    case: name,
    tasksPerSec: Math.round(total / secs),
    p50us: Math.round(pct(lat, 0.5) * 1000),
    p99us: Math.round(pct(lat, 0.99) * 1000),
    cpuUsPerTask: Math.round(((cpu.user + cpu.system) / total) * 10) / 10,
  });
  console.error(`${name}: done`);
}

const mod = (await import(handlerPath)) as { default: (e: unknown, c: HandlerContext) => void };
const bareCtx = {
  emit: () => {},
  log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
} as unknown as HandlerContext;
const mainRuntime = createWorkerRuntime({ importModule: (url) => import(url) });

const pool = createWorkerPool({
  ...(values.threads === undefined ? {} : { threads: Number(values.threads) }),
  atomics: values.atomics as 'disabled' | 'sync' | 'async',
});
const { threads, concurrentTasksPerWorker: ctpw } = pool.options;
const capacity = threads * ctpw;
const batchOf = (size: number): HandlerTask[] => Array.from({ length: size }, () => task);

// Warm-up: threads started, handler loaded and JIT-compiled everywhere.
for (let i = 0; i < 3; i++)
  await Promise.all(Array.from({ length: capacity }, () => pool.run(batchOf(64))));
for (let i = 0; i < 20_000; i++) await mainRuntime.runBatch({ slotBase: 0, tasks: [task] });

const seq = Math.min(N, 20_000);
await measure('main-thread bare handler call (await)', N, 1, 1, () =>
  mod.default(task.event, bareCtx),
);
await measure('main-thread worker runtime (ctx, emit copy)', N, 1, 1, () =>
  mainRuntime.runBatch({ slotBase: 0, tasks: [task] }),
);
await measure('pool one-at-a-time, batch 1', seq, 1, 1, () => pool.run([task]));
for (const size of [1, 16, 64]) {
  const batches = Math.max(capacity * 2, Math.round(N / size));
  const b = batchOf(size);
  await measure(
    `pool saturated, batch ${size}, ${capacity * 2} batches in flight`,
    batches,
    size,
    capacity * 2,
    () => pool.run(b),
  );
}
await pool.close();

console.log(
  `node ${process.version}, threads ${threads}, concurrentTasksPerWorker ${ctpw}, atomics ${pool.options.atomics}, N ${N}, payload ${body.length} B`,
);
console.log('| case | tasks/s | p50 (per run() call) | p99 | process CPU µs/task |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of rows)
  console.log(
    `| ${r.case} | ${r.tasksPerSec.toLocaleString('en-US')} | ${r.p50us} µs | ${r.p99us} µs | ${r.cpuUsPerTask} |`,
  );
