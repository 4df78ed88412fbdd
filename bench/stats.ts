// Latency statistics and formatting shared by every benchmark scenario.

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Percentiles (nearest rank) of latencies in microseconds. */
export function summarize(latenciesUs: number[]): Summary {
  const s = [...latenciesUs].sort((a, b) => a - b);
  const at = (q: number): number =>
    s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  return { count: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? NaN };
}

export function fmtUs(us: number): string {
  if (!Number.isFinite(us)) return '-';
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${Math.round(us)} µs`;
}

export function fmtRate(perSec: number): string {
  return `${Math.round(perSec).toLocaleString('en-US')}/s`;
}

/** Monotonic clock in microseconds. */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Median and range of one figure over repeated runs. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(runs: readonly number[]): Spread {
  const s = runs.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN, runs: [...runs] };
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, runs: [...runs] };
}
