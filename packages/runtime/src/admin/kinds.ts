// Small shared helpers of the admin API: manifest kinds as users type them (`agent`, `agents`,
// `eventtype`, `event-types` all mean what kubectl users expect) and a key-order-independent
// JSON text, so re-applying a document with its keys reordered is "unchanged".
import { MANIFEST_KINDS, type ManifestKind } from '@troupe/core';

const BY_LOWER = new Map<string, ManifestKind>(MANIFEST_KINDS.map((k) => [k.toLowerCase(), k]));

/** The manifest kind `text` names (case-insensitive, `-`/`_` ignored, plural allowed). */
export function canonicalKind(text: string): ManifestKind | undefined {
  const t = text.toLowerCase().replace(/[-_]/g, '');
  return BY_LOWER.get(t) ?? (t.endsWith('s') ? BY_LOWER.get(t.slice(0, -1)) : undefined);
}

/** JSON text with object keys sorted at every level. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}
