// Piscina worker bootstrap for Troupe handlers. Plain ESM because Node loads it directly: on
// Node 20 `execArgv: ['--import', 'tsx']` does not reach worker threads, so this file registers
// tsx's loader itself, in ONE namespace shared by the worker runtime and every handler module
// (one module graph: a handler's @troupe/core is the runtime's, and the loader hook is
// registered once, not once per import as `tsImport` would). The worker logic lives in
// src/workers/worker-runtime.ts, type-checked like the rest of the package.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';
import { threadId, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

const tsx = register({ namespace: 'troupe-worker' });
const importModule = (url) => tsx.import(url, import.meta.url);

// Sources in the workspace; compiled output once published.
const source = new URL('../src/workers/worker-runtime.ts', import.meta.url);
const runtimeUrl = existsSync(source)
  ? source.href
  : new URL('../dist/workers/worker-runtime.js', import.meta.url).href;

const slots =
  workerData?.troupeSlots instanceof SharedArrayBuffer
    ? new Int32Array(workerData.troupeSlots)
    : undefined;

// Loaded once per thread, while the thread waits for its first task. A failure here surfaces as
// the rejection of every task this thread receives (never as an unhandled rejection).
const runtime = importModule(runtimeUrl).then((mod) =>
  mod.createWorkerRuntime({ importModule, slots, threadId }),
);
runtime.catch(() => {});

/** The Piscina task function: one batch in, one outcome per invocation out. */
export default async function runBatch(batch) {
  return (await runtime).runBatch(batch);
}
