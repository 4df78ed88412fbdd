// Parsing of the RESP2 replies the Redis transport reads (XREADGROUP / XREAD / XRANGE /
// XINFO GROUPS / XPENDING). node-redis hands raw arrays back for `sendCommand`; these helpers
// turn them into typed records and tolerate the null / missing shapes Redis uses.

export interface RawEntry {
  readonly id: string;
  /** undefined when the entry was deleted (trimmed) but is still pending. */
  readonly fields: Record<string, string> | undefined;
}

const str = (v: unknown): string =>
  typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString() : String(v);

export function fieldsOf(raw: unknown): Record<string, string> | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) out[str(raw[i])] = str(raw[i + 1]);
  return out;
}

export function entriesOf(raw: unknown): RawEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((e: unknown) => {
    const pair = e as [unknown, unknown];
    return { id: str(pair[0]), fields: fieldsOf(pair[1]) };
  });
}

/** XREAD / XREADGROUP: `[[key, entries], …]` or null. */
export function streamsOf(raw: unknown): Array<{ key: string; entries: RawEntry[] }> {
  if (!Array.isArray(raw)) return [];
  return raw.map((s: unknown) => {
    const pair = s as [unknown, unknown];
    return { key: str(pair[0]), entries: entriesOf(pair[1]) };
  });
}

/** XINFO GROUPS: one record per group (flat field/value arrays in RESP2). */
export function groupsInfoOf(raw: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(raw)) return [];
  return raw.map((g: unknown) => {
    const out: Record<string, unknown> = {};
    const arr = g as unknown[];
    for (let i = 0; i + 1 < arr.length; i += 2) out[str(arr[i])] = arr[i + 1];
    return out;
  });
}

/** XPENDING extended form: `[[id, consumer, idleMs, deliveries], …]` → id → deliveries. */
export function deliveriesOf(raw: unknown): Map<string, number> {
  const out = new Map<string, number>();
  if (!Array.isArray(raw)) return out;
  for (const row of raw as unknown[][]) out.set(str(row[0]), Number(row[3]));
  return out;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const isNoGroup = (err: unknown): boolean => /NOGROUP/.test(errorMessage(err));
export const isNoScript = (err: unknown): boolean => /NOSCRIPT/.test(errorMessage(err));
export const isBusyGroup = (err: unknown): boolean => /BUSYGROUP/.test(errorMessage(err));
