// The inventory's stock book as pure functions: stock levels per SKU, reservations per order and
// orders cancelled before they were reserved. The inventory agent keeps one such book in the
// global workspace and changes it with a compare-and-set update, so concurrent orders (in other
// worker threads or nodes) never oversell, and a retried handler never reserves twice.
import type { OrderLine } from './types.js';

export interface StockBook {
  /** Units on hand (not reserved) per SKU. */
  levels: Record<string, number>;
  /** Lines reserved per order id. */
  reservations: Record<string, OrderLine[]>;
  /** Orders whose payment failed before inventory saw them: never reserve these. */
  cancelled: Record<string, true>;
}

export type ReserveOutcome =
  | { kind: 'reserved'; book: StockBook }
  | {
      kind: 'out-of-stock';
      book: StockBook;
      missing: { sku: string; requested: number; available: number }[];
    }
  | { kind: 'cancelled'; book: StockBook };

export function emptyBook(levels: Record<string, number>): StockBook {
  return { levels: { ...levels }, reservations: {}, cancelled: {} };
}

/** Units requested per SKU (an order may list one SKU twice). */
function demand(items: readonly OrderLine[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of items) m.set(l.sku, (m.get(l.sku) ?? 0) + l.qty);
  return m;
}

/** Reserve every line of `orderId` or none; idempotent (a second call changes nothing). */
export function reserve(
  book: StockBook,
  orderId: string,
  items: readonly OrderLine[],
): ReserveOutcome {
  if (book.cancelled[orderId]) return { kind: 'cancelled', book };
  if (book.reservations[orderId]) return { kind: 'reserved', book };
  const missing = [...demand(items)]
    .map(([sku, requested]) => ({ sku, requested, available: book.levels[sku] ?? 0 }))
    .filter((m) => m.requested > m.available);
  if (missing.length > 0) return { kind: 'out-of-stock', book, missing };
  const levels = { ...book.levels };
  for (const [sku, n] of demand(items)) levels[sku] = (levels[sku] ?? 0) - n;
  return {
    kind: 'reserved',
    book: { ...book, levels, reservations: { ...book.reservations, [orderId]: [...items] } },
  };
}

/**
 * Give back what `orderId` reserved; when nothing was reserved yet, remember the order as
 * cancelled so a late reservation does not happen. Returns the released lines (empty if none).
 */
export function release(
  book: StockBook,
  orderId: string,
): { book: StockBook; released: OrderLine[] } {
  const held = book.reservations[orderId];
  if (!held)
    return { book: { ...book, cancelled: { ...book.cancelled, [orderId]: true } }, released: [] };
  const levels = { ...book.levels };
  for (const [sku, n] of demand(held)) levels[sku] = (levels[sku] ?? 0) + n;
  const reservations = { ...book.reservations };
  delete reservations[orderId];
  return { book: { ...book, levels, reservations }, released: held };
}
