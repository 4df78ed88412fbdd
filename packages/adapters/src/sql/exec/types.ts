// What every executor returns and takes: the result shape of a guarded read and its per-call
// limits. Rows are plain objects keyed by column name (a later duplicate name wins; `columns`
// keeps every name in order).

/** The result of a guarded read. */
export interface SelectResult {
  /** Column names in select-list order. */
  columns: string[];
  /** At most `rowLimit` rows. */
  rows: Record<string, unknown>[];
  /** `rows.length`. */
  rowCount: number;
  /** True when the query had more rows than `rowLimit` (they were not returned). */
  truncated: boolean;
}

/** Per-call execution limits, already resolved. */
export interface ExecLimits {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Build row objects from array rows and column names. */
export function toObjects(
  columns: readonly string[],
  rows: readonly unknown[][],
): Record<string, unknown>[] {
  return rows.map((row) => {
    const obj: Record<string, unknown> = {};
    columns.forEach((name, i) => {
      obj[name] = row[i];
    });
    return obj;
  });
}
