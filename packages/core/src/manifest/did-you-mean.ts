// "Did you mean 'x'?" for unknown fields, kinds and enum values: the closest allowed name by
// Levenshtein distance, offered only when it is close enough to be a plausible typo.

/**
 * Edit distance (insert, delete, substitute, and swap of two adjacent characters: cost 1
 * each; the optimal-string-alignment variant of Levenshtein), case-sensitive. Swaps count
 * once because they are the most common typo (`Agnet`).
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let curr = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      curr[j] = d;
    }
    [prev2, prev, curr] = [prev, curr, prev2];
  }
  return prev[b.length]!;
}

/**
 * The allowed name closest to `input`, or undefined when none is plausible. A case-only
 * difference always matches; otherwise the distance must be at most a third of the longer
 * name (at least 1, at most 3), so `subscrbe` finds `subscribe` but `foo` finds nothing.
 */
export function closestMatch(input: string, allowed: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = input.toLowerCase();
  for (const candidate of allowed) {
    if (candidate === input) continue;
    if (candidate.toLowerCase() === lower) return candidate;
    const d = levenshtein(lower, candidate.toLowerCase());
    const limit = Math.min(
      3,
      Math.max(1, Math.floor(Math.max(input.length, candidate.length) / 3)),
    );
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `did you mean 'x'?` or undefined. */
export function didYouMean(input: string, allowed: Iterable<string>): string | undefined {
  const match = closestMatch(input, allowed);
  return match === undefined ? undefined : `did you mean '${match}'?`;
}
