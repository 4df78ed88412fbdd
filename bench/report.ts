// Turns repeated runs into the benchmark report: one row per scenario and configuration with
// medians and ranges, ratios against the raw loop of the same hop count, and the [engine]
// issue's targets checked (met or missed, and by how much).
import { fmtRate, fmtUs, spread, type Spread, type Summary } from './stats.js';

/** Redis-side cost per event of one scenario (Redis scenarios only). */
export interface RedisCost {
  /** Commands Redis executed per event, commands inside Lua scripts included. */
  redisCmdsPerEvent: number;
  /** redis-server CPU (user + sys) per event, in µs. */
  redisCpuUsPerEvent: number;
  /** Calls per event by command (INFO commandstats), for the JSON results. */
  redisCommandsPerEvent: Record<string, number>;
}

export interface Run extends Partial<RedisCost> {
  throughput: number;
  sat: Summary;
  low: Summary;
  /** 1-minute load average when the run finished. */
  load1: number;
}

/** Runs by key: `raw/<hops>`, `redis/<hops>/<config>`, `memory/1/<config>`. */
export type Runs = Record<string, Run[]>;

export interface RssRun {
  growthMb: number;
  peakMb: number;
  throughput: number;
  heapStartMb: number;
  heapEndMb: number;
}

export interface Row {
  key: string;
  scenario: string;
  config: string;
  hops: number;
  throughput: Spread;
  /** Median throughput / the raw loop's median of the same hop count (Redis rows only). */
  ratio: number | undefined;
  lowP50: Spread;
  lowP99: Spread;
  satP50: Spread;
  satP99: Spread;
  load1: Spread;
  redisCmdsPerEvent: Spread;
  redisCpuUsPerEvent: Spread;
}

export interface Target {
  target: string;
  config: string;
  measured: string;
  limit: string;
  met: boolean;
  /** How far from the limit, as a signed share: positive = headroom, negative = missed by. */
  margin: string;
}

export interface Report {
  rows: Row[];
  rss: Record<
    string,
    { growthMb: Spread; heapGrowthMb: Spread; peakMb: Spread; throughput: Spread; runs: number }
  >;
  targets: Target[];
}

function row(key: string, runs: readonly Run[], rawThroughput: number | undefined): Row {
  const [kind = '', hops = '1', config = ''] = key.split('/');
  const throughput = spread(runs.map((r) => r.throughput));
  return {
    key,
    scenario:
      kind === 'raw'
        ? `raw node-redis ${hops}-hop`
        : `troupe ${kind === 'redis' ? 'redis' : 'in-memory'} ${hops}-hop`,
    config: kind === 'raw' ? '-' : config,
    hops: Number(hops),
    throughput,
    ratio:
      kind === 'redis' && rawThroughput !== undefined
        ? throughput.median / rawThroughput
        : undefined,
    lowP50: spread(runs.map((r) => r.low.p50)),
    lowP99: spread(runs.map((r) => r.low.p99)),
    satP50: spread(runs.map((r) => r.sat.p50)),
    satP99: spread(runs.map((r) => r.sat.p99)),
    load1: spread(runs.map((r) => r.load1)),
    redisCmdsPerEvent: spread(runs.map((r) => r.redisCmdsPerEvent ?? NaN)),
    redisCpuUsPerEvent: spread(runs.map((r) => r.redisCpuUsPerEvent ?? NaN)),
  };
}

const pct = (share: number): string => `${share >= 0 ? '+' : ''}${Math.round(share * 100)}%`;

function check(
  targets: Target[],
  target: string,
  config: string,
  measured: number,
  limit: number,
  atMost: boolean,
  fmt: (v: number) => string,
): void {
  if (!Number.isFinite(measured) || !Number.isFinite(limit)) return;
  const met = atMost ? measured <= limit : measured >= limit;
  const margin = atMost ? (limit - measured) / limit : (measured - limit) / limit;
  targets.push({
    target,
    config,
    measured: fmt(measured),
    limit: `${atMost ? '≤' : '≥'} ${fmt(limit)}`,
    met,
    margin: pct(margin),
  });
}

/** Raw rows first, then Redis, then memory; by hops, default before tuned. */
function order(key: string): string {
  const [kind = '', hops = '', config = ''] = key.split('/');
  return `${['raw', 'redis', 'memory'].indexOf(kind)}/${hops}/${config === 'default' ? '' : config}`;
}

export function buildReport(runs: Runs, rss: Record<string, RssRun[]>): Report {
  const rawMedian = (hops: number): number | undefined => {
    const r = runs[`raw/${hops}`];
    return r ? spread(r.map((x) => x.throughput)).median : undefined;
  };
  const rows = Object.keys(runs)
    .sort((a, b) => order(a).localeCompare(order(b)))
    .map((key) => row(key, runs[key]!, rawMedian(Number(key.split('/')[1]))));
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const targets: Target[] = [];
  const ratio = (v: number): string => `${v.toFixed(2)}×`;
  const rate = (v: number): string => fmtRate(v);
  for (const r of rows) {
    if (r.key.startsWith('redis/')) {
      const base = byKey.get(`raw/${r.hops}`);
      if (r.hops === 1 && r.ratio !== undefined)
        check(targets, 'durable 1-hop throughput vs raw', r.config, r.ratio, 0.6, false, ratio);
      if (base) {
        const rawPerHop = base.lowP50.median / base.hops;
        check(
          targets,
          `${r.hops}-hop one-at-a-time p50 per hop ≤ raw + 150 µs`,
          r.config,
          r.lowP50.median / r.hops,
          rawPerHop + 150,
          true,
          fmtUs,
        );
      }
      check(
        targets,
        `${r.hops}-hop one-at-a-time p99 per hop`,
        r.config,
        r.lowP99.median / r.hops,
        1000,
        true,
        fmtUs,
      );
    }
    if (r.key.startsWith('redis/') || r.key.startsWith('memory/'))
      check(
        targets,
        `${r.key.split('/')[0]} ${r.hops}-hop saturation p99 / p50`,
        r.config,
        r.satP99.median / r.satP50.median,
        10,
        true,
        ratio,
      );
    if (r.key.startsWith('memory/'))
      check(
        targets,
        'in-memory 1-hop throughput',
        r.config,
        r.throughput.median,
        100_000,
        false,
        rate,
      );
  }
  const rssOut: Report['rss'] = {};
  for (const [config, list] of Object.entries(rss)) {
    const growth = spread(list.map((x) => x.growthMb));
    rssOut[config] = {
      growthMb: growth,
      heapGrowthMb: spread(list.map((x) => x.heapEndMb - x.heapStartMb)),
      runs: list.length,
      peakMb: spread(list.map((x) => x.peakMb)),
      throughput: spread(list.map((x) => x.throughput)),
    };
    check(
      targets,
      'RSS growth over the in-memory run',
      config,
      growth.median,
      50,
      true,
      (v) => `${v.toFixed(1)} MB`,
    );
  }
  return { rows, rss: rssOut, targets };
}

const range = (s: Spread, f: (v: number) => string): string =>
  s.runs.length > 1 ? `${f(s.median)} [${f(s.min)}–${f(s.max)}]` : f(s.median);

function table(head: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

/** The report as Markdown tables (pasted into docs/benchmarks.md as is). */
export function renderReport(report: Report): string {
  const n = (v: number): string => Math.round(v).toLocaleString('en-US');
  const main = table(
    [
      'scenario',
      'config',
      'events/s median [range]',
      '× raw',
      '1-at-a-time p50',
      'p99',
      'p50 / hop',
      'p99 / hop',
      'saturated p50',
      'saturated p99',
      'redis cmds / event',
      'redis CPU / event',
      'load',
    ],
    report.rows.map((r) => [
      r.scenario,
      r.config,
      range(r.throughput, n),
      r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
      range(r.lowP50, fmtUs),
      range(r.lowP99, fmtUs),
      fmtUs(r.lowP50.median / r.hops),
      fmtUs(r.lowP99.median / r.hops),
      range(r.satP50, fmtUs),
      range(r.satP99, fmtUs),
      Number.isFinite(r.redisCmdsPerEvent.median) ? r.redisCmdsPerEvent.median.toFixed(1) : '',
      Number.isFinite(r.redisCpuUsPerEvent.median) ? fmtUs(r.redisCpuUsPerEvent.median) : '',
      r.load1.median.toFixed(1),
    ]),
  );
  const rss = table(
    [
      'RSS run',
      'runs',
      'RSS growth MB median [range]',
      'heap growth MB',
      'peak RSS MB',
      'events/s',
    ],
    Object.entries(report.rss).map(([c, v]) => [
      c,
      String(v.runs),
      range(v.growthMb, (x) => x.toFixed(1)),
      range(v.heapGrowthMb, (x) => x.toFixed(1)),
      v.peakMb.median.toFixed(0),
      n(v.throughput.median),
    ]),
  );
  const targets = table(
    ['target', 'config', 'measured', 'limit', 'met', 'margin'],
    report.targets.map((t) => [
      t.target,
      t.config,
      t.measured,
      t.limit,
      t.met ? 'yes' : 'NO',
      t.margin,
    ]),
  );
  return `${main}\n\n${rss}\n\n${targets}\n`;
}

export function printReport(report: Report, meta: Record<string, unknown>): void {
  const m = meta.machine as {
    cpus: number;
    cpu: string;
    node: string;
    redis: string;
    loadavgStart: number[];
    loadavgEnd: number[];
  };
  process.stdout.write(
    `\nmachine: ${m.cpus} × ${m.cpu}, node ${m.node}, redis ${m.redis}; ` +
      `load average ${m.loadavgStart.map((v) => v.toFixed(2)).join(' ')} → ${m.loadavgEnd.map((v) => v.toFixed(2)).join(' ')}\n\n`,
  );
  process.stdout.write(renderReport(report));
}
