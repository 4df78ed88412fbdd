// Redis stream entry ids (`<ms>-<seq>`, both unsigned 64-bit) compared in order. Strings do
// not sort numerically ('9-0' > '10-0') and ms values exceed 2^53 only in theory, so each part
// is compared by length first, then lexically (no leading zeros in ids Redis hands out).

/** Negative, zero or positive as `a` is below, equal to or above `b`. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '', as = ''] = a.split('-');
  const [bm = '', bs = ''] = b.split('-');
  return comparePart(am, bm) || comparePart(as, bs);
}

function comparePart(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
