// Shared validation helpers of the policy resolvers: one way to build the INVALID_OPTION error
// (its message names the field path, `data.field` holds it) and to reject unknown fields with a
// "did you mean" hint, so policies given in code fail as clearly as manifests do.
import { ErrorCode } from '../errors/codes.js';
import { TroupeError } from '../errors/troupe-error.js';

/** A TroupeError code INVALID_OPTION for `field` with `message` (which names the field). */
export function invalidOption(field: string, message: string): TroupeError {
  return new TroupeError(ErrorCode.InvalidOption, message, { data: { field }, retryable: false });
}

/** Levenshtein distance, for "did you mean" on misspelt field names. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Throw INVALID_OPTION for the first key of `value` not in `known`. */
export function checkKnownFields(value: object, known: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const close = known.find((k) => distance(k.toLowerCase(), key.toLowerCase()) <= 2);
    const hint = close ? ` (did you mean ${close}?)` : ` (known fields: ${known.join(', ')})`;
    throw invalidOption(`${path}.${key}`, `${path}.${key} is not a known field${hint}`);
  }
}
