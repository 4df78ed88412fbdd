// Row values as JSON can carry them: drivers return Dates, BigInts (PostgreSQL counts), Buffers.
// Events are JSON, so every value becomes a number, string, boolean or null here, once.

function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** Rows with JSON-safe values, keyed by the given columns only. */
export function jsonRows(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Record<string, unknown>[] {
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) out[c] = jsonValue(row[c]);
    return out;
  });
}
