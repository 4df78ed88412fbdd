// The benchmark scenarios and the configurations they run in: the raw node-redis loop, Troupe
// on Redis Streams, Troupe in memory (each with user defaults and with the bench-tuned knobs),
// and the RSS run in a child process. Each function runs one repetition and returns raw figures;
// run.ts repeats, aggregates and prints.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createMemoryTransport,
  createRedisTransport,
  type MemoryTransportOptions,
} from '@troupe/runtime';
import type { PhaseProfiler } from './profiler.js';
import { runRaw } from './raw-redis.js';
import type { RssResult } from './rss.js';
import type { Summary } from './stats.js';
import { TroupeChain, type ChainSizes, type TroupeKnobs } from './troupe-chain.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/** One configuration of Troupe's bench-side knobs. */
export interface Config {
  readonly name: string;
  readonly knobs: TroupeKnobs;
  /** In-memory transport options (RSS run only). Default: the transport's defaults. */
  readonly transport?: MemoryTransportOptions;
}

/** What users get: no knob set. */
export const DEFAULT_CONFIG: Config = { name: 'default', knobs: {} };

/**
 * The knobs that gave the best figures on the 2-core bench machine. Redis: enough agent
 * concurrency and node in-flight to cover the 1000-event window, one worker thread (the second
 * core is Redis' and the main thread's). Memory: the same with two threads.
 */
export const TUNED_REDIS: Config = {
  name: 'tuned',
  knobs: {
    concurrency: 512,
    maxInFlight: 1024,
    pool: { threads: 1, concurrentTasksPerWorker: 16, maxBatchSize: 64 },
  },
};
export const TUNED_MEMORY: Config = {
  name: 'tuned',
  knobs: {
    concurrency: 512,
    maxInFlight: 1024,
    pool: { threads: 2, concurrentTasksPerWorker: 16, maxBatchSize: 64 },
  },
};

/**
 * RSS run only: the tuned knobs plus short dedupe and budget windows. With the defaults (24 h
 * dedupe, 1 h budget) the in-memory transport remembers every finished event id and every
 * correlation for that long, so its heap grows with every event; this shows the bound.
 */
export const TUNED_MEMORY_WINDOWS: Config = {
  ...TUNED_MEMORY,
  name: 'tuned+10s-windows',
  transport: { dedupeWindowMs: 10_000, budgetWindowMs: 10_000 },
};

export interface Figures {
  throughput: number;
  sat: Summary;
  low: Summary;
}

export function raw(url: string, hops: number, sizes: ChainSizes): Promise<Figures> {
  return runRaw(url, `raw${Date.now().toString(36)}`, hops, sizes);
}

export async function troupeRedis(
  url: string,
  hops: number,
  config: Config,
  sizes: ChainSizes,
  profiler?: PhaseProfiler,
): Promise<Figures> {
  const transport = await createRedisTransport({
    url,
    namespace: `bench-${Date.now().toString(36)}`,
  });
  const chain = await TroupeChain.start(transport, hops, config.knobs);
  try {
    return await chain.run(
      sizes,
      profiler && { profiler, label: `redis-${hops}hop-${config.name}` },
    );
  } finally {
    await chain.close();
  }
}

export async function troupeMemory(
  config: Config,
  sizes: ChainSizes,
  profiler?: PhaseProfiler,
): Promise<Figures> {
  const chain = await TroupeChain.start(createMemoryTransport(), 1, config.knobs);
  try {
    return await chain.run(sizes, profiler && { profiler, label: `memory-1hop-${config.name}` });
  } finally {
    await chain.close();
  }
}

export interface RssInput {
  events: number;
  warmup: number;
  knobs: TroupeKnobs;
  transport?: MemoryTransportOptions;
}

/** One RSS run in a fresh child process (same node flags, so tsx loads the TypeScript). */
export function rssInChild(input: RssInput): Promise<RssResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, path.join(BENCH_DIR, 'rss-child.ts'), JSON.stringify(input)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{'))
        reject(new Error(`rss child exited with ${String(code)}: ${out}`));
      else resolve(JSON.parse(line) as RssResult);
    });
  });
}
