// LCOV parsing (the format Node's `--test-reporter=lcov` and c8 write): per source file, the hit
// count of every executable line. Lines absent from the map are not executable.

/** File path (as written in `SF:`) → line → hits. */
export type LineCoverage = Map<string, Map<number, number>>;

export function parseLcov(text: string): LineCoverage {
  const out: LineCoverage = new Map();
  let lines: Map<number, number> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('SF:')) out.set(line.slice(3), (lines = new Map<number, number>()));
    else if (line.startsWith('DA:') && lines) {
      const [n, hits] = line.slice(3).split(',');
      lines.set(Number(n), Number(hits));
    } else if (line === 'end_of_record') lines = undefined;
  }
  return out;
}

/** Consecutive numbers as [first, last] ranges. */
export function toRanges(numbers: readonly number[]): [number, number][] {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}
