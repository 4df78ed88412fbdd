// A small unified line diff (longest common subsequence) for `diff`: shows what applying a
// manifest document would change, `-` for the applied text and `+` for the new one. Manifest
// documents are a few dozen lines, so the quadratic table is cheap; beyond `MAX_LINES` lines
// the diff falls back to "everything removed, everything added" instead of burning memory.

/** Beyond this many lines on either side the diff is not minimised. */
export const MAX_DIFF_LINES = 2000;

/**
 * Lines of a unified diff between `before` and `after` (without `---`/`+++` headers), or an
 * empty string when they are equal. Unchanged lines are kept with a leading space as context.
 */
export function lineDiff(before: string, after: string): string {
  if (before === after) return '';
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  if (a.length > MAX_DIFF_LINES || b.length > MAX_DIFF_LINES)
    return [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)].join('\n') + '\n';
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`-${a[i]}`);
      i++;
    } else {
      out.push(`+${b[j]}`);
      j++;
    }
  }
  return out.join('\n') + '\n';
}
