// `pnpm bench`: every engine benchmark in one run, against the raw node-redis loop measured in
// the same run, on an own redis-server (no AOF) so test traffic on the shared Redis does not
// disturb it. Each scenario runs --reps times (interleaved, so load spikes hit every side);
// the table shows medians with their range, the targets of the [engine] issue are checked,
// and everything is written to bench/results/latest.json.
//
//   pnpm bench [--quick] [--reps N] [--only raw,redis,memory,rss] [--configs default,tuned]
//              [--hops 1,3] [--events N] [--low N] [--mem-events N] [--rss-events N] [--window N]
//              [--rss-reps N] [--out FILE] [--profile DIR] [--tuned KNOBS_JSON]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient } from 'redis';
import { createProfiler } from './profiler.js';
import { startBenchRedis } from './redis-server.js';
import { buildReport, printReport, type RedisCost, type Runs } from './report.js';
import {
  DEFAULT_CONFIG,
  TUNED_MEMORY,
  TUNED_MEMORY_WINDOWS,
  TUNED_REDIS,
  raw,
  rssInChild,
  troupeMemory,
  troupeRedis,
  type Config,
  type Figures,
} from './scenarios.js';
import type { RssResult } from './rss.js';
import type { ChainSizes } from './troupe-chain.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    reps: { type: 'string' },
    only: { type: 'string', default: 'raw,redis,memory,rss' },
    configs: { type: 'string', default: 'default,tuned' },
    hops: { type: 'string', default: '1,3' },
    events: { type: 'string' },
    low: { type: 'string' },
    'mem-events': { type: 'string' },
    'rss-events': { type: 'string' },
    'rss-reps': { type: 'string' },
    window: { type: 'string' },
    out: { type: 'string' },
    profile: { type: 'string' },
    tuned: { type: 'string' },
  },
});
const quick = values.quick;
const num = (v: string | undefined, full: number, short: number): number => {
  const n = v === undefined ? (quick ? short : full) : Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`bench: expected a whole number, got ${v}`);
  return n;
};
const reps = num(values.reps, 3, 3);
const window = num(values.window, 1000, 1000);
const only = new Set(values.only.split(','));
const configNames = values.configs.split(',');
const hopCounts = values.hops.split(',').map(Number);
const redisSizes: ChainSizes = {
  saturated: num(values.events, 20_000, 4000),
  oneAtATime: num(values.low, 1000, 200),
  window,
  warmup: quick ? 1000 : 3000,
};
const memSizes: ChainSizes = {
  saturated: num(values['mem-events'], 200_000, 30_000),
  oneAtATime: num(values.low, 2000, 300),
  window,
  warmup: quick ? 3000 : 20_000,
};
const rssEvents = num(values['rss-events'], 1_000_000, 200_000);
const rssReps = num(values['rss-reps'], reps, reps);

// --tuned '{"concurrency":64,"pool":{"threads":2}}' replaces the tuned knobs (for sweeps).
const tunedOverride =
  values.tuned === undefined ? undefined : (JSON.parse(values.tuned) as Config['knobs']);
const pick = (tuned: Config): Config[] =>
  configNames.map((n) =>
    n === 'default' ? DEFAULT_CONFIG : { ...tuned, name: n, knobs: tunedOverride ?? tuned.knobs },
  );
const redisConfigs = pick(TUNED_REDIS);
const memConfigs = pick(TUNED_MEMORY);
const rssConfigs = configNames.includes('tuned')
  ? [...memConfigs, TUNED_MEMORY_WINDOWS]
  : memConfigs;

const profiler = values.profile === undefined ? undefined : createProfiler(values.profile);
const runs: Runs = {};
const record = (key: string, f: Figures): void => {
  (runs[key] ??= []).push({ ...f, load1: loadavg()[0]! });
};
const step = (label: string): void => {
  process.stderr.write(`  ${label} (load ${loadavg()[0]!.toFixed(2)})\n`);
};

const loadStart = loadavg();
const started = new Date().toISOString();
const server = await startBenchRedis();
const admin = createClient({ url: server.url, RESP: 2 });
await admin.connect();
const redisVersion = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1] ?? '?';
const fresh = async (): Promise<void> => {
  await admin.flushAll();
  await admin.configResetStat();
  cpuAtStart = await redisCpu();
};
// Redis-side cost of a scenario: commands and server CPU per event (every event of the
// scenario: warm-up, saturated and one-at-a-time), from INFO after a CONFIG RESETSTAT.
let cpuAtStart = 0;
async function redisCpu(): Promise<number> {
  const info = await admin.info('cpu');
  const num = (k: string): number => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return num('used_cpu_user') + num('used_cpu_sys');
}
const redisCost = async (f: Figures): Promise<Figures & RedisCost> => {
  const stats = await admin.info('commandstats');
  const events = redisSizes.warmup + redisSizes.saturated + redisSizes.oneAtATime;
  let calls = 0;
  const perEvent: Record<string, number> = {};
  for (const m of stats.matchAll(/^cmdstat_(\w+(?:\|\w+)?):calls=(\d+)/gm))
    if (!['info', 'flushall', 'config|resetstat', 'config'].includes(m[1]!)) {
      calls += Number(m[2]);
      perEvent[m[1]!] = Math.round((Number(m[2]) / events) * 100) / 100;
    }
  return {
    ...f,
    redisCmdsPerEvent: calls / events,
    redisCommandsPerEvent: perEvent,
    redisCpuUsPerEvent: (((await redisCpu()) - cpuAtStart) * 1e6) / events,
  };
};
const rss: Record<string, RssResult[]> = {};

try {
  for (let rep = 1; rep <= reps; rep++) {
    process.stderr.write(`rep ${rep}/${reps}\n`);
    for (const hops of hopCounts) {
      if (only.has('raw')) {
        step(`raw ${hops}-hop`);
        await fresh();
        record(`raw/${hops}`, await redisCost(await raw(server.url, hops, redisSizes)));
      }
      if (only.has('redis'))
        for (const c of redisConfigs) {
          step(`troupe redis ${hops}-hop ${c.name}`);
          await fresh();
          record(
            `redis/${hops}/${c.name}`,
            await redisCost(await troupeRedis(server.url, hops, c, redisSizes, profiler)),
          );
        }
    }
    if (only.has('memory'))
      for (const c of memConfigs) {
        step(`troupe memory 1-hop ${c.name}`);
        record(`memory/1/${c.name}`, await troupeMemory(c, memSizes, profiler));
      }
    if (only.has('rss') && rep <= rssReps)
      for (const c of rssConfigs) {
        step(`rss ${rssEvents} events ${c.name}`);
        const r = await rssInChild({
          events: rssEvents,
          warmup: Math.min(100_000, Math.max(10_000, Math.floor(rssEvents / 10))),
          knobs: c.knobs,
          ...(c.transport ? { transport: c.transport } : {}),
        });
        (rss[c.name] ??= []).push(r);
      }
  }
} finally {
  await admin.quit();
  await server.stop();
}

const report = buildReport(runs, rss);
const meta = {
  started,
  finished: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    redis: redisVersion,
    loadavgStart: loadStart,
    loadavgEnd: loadavg(),
  },
  reps,
  sizes: { redis: redisSizes, memory: memSizes, rssEvents },
  configs: { redis: redisConfigs, memory: memConfigs, rss: rssConfigs },
};
printReport(report, meta);
const out =
  values.out ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ ...meta, report, runs, rss }, null, 2) + '\n');
process.stderr.write(`results written to ${out}\n`);
