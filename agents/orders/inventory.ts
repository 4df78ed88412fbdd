// Orders agent `inventory`: reserves the order's lines from the stock book, all or none, and
// releases them when the payment fails (the choreographed compensation: nobody orchestrates it,
// inventory simply listens to PaymentFailed).
//   OrderPlaced → InventoryReserved | OutOfStock        PaymentFailed → InventoryReleased
// The stock book is one document in the global workspace changed by compare-and-set (stock.ts),
// so concurrent orders never oversell and retries never reserve or release twice.
import { defineAgent } from '@troupe/core';
import { emptyBook, release, reserve, type ReserveOutcome, type StockBook } from './stock.js';
import type { OrderLine, OrderPlaced, PaymentResult } from './types.js';

export interface InventoryConfig extends Record<string, unknown> {
  /** Initial units per SKU when the stock book does not exist yet. Default `{}`. */
  stock?: Record<string, number>;
}

/** Workspace key of the stock book (global scope). */
export const STOCK_KEY = 'orders:stock';

/** Units left of the SKUs of `items` in `book` (what the events report as `stockAfter`). */
function levelsOf(
  book: StockBook | undefined,
  items: readonly OrderLine[],
): Record<string, number> {
  return Object.fromEntries(items.map((l) => [l.sku, book?.levels[l.sku] ?? 0]));
}

export default defineAgent<OrderPlaced | PaymentResult, InventoryConfig>(async (event, ctx) => {
  const initial = (): StockBook => emptyBook(ctx.config.stock ?? {});
  if (event.type === 'OrderPlaced') {
    const order = event.data as OrderPlaced;
    let outcome: ReserveOutcome | undefined;
    await ctx.workspace.global.update<StockBook>(STOCK_KEY, (cur) => {
      outcome = reserve(cur ?? initial(), order.orderId, order.items);
      return outcome.book;
    });
    const base = {
      orderId: order.orderId,
      customerId: order.customerId,
      items: order.items,
      stockAfter: levelsOf(outcome?.book, order.items),
    };
    if (outcome?.kind === 'reserved') ctx.emit('InventoryReserved', base);
    else if (outcome?.kind === 'out-of-stock')
      ctx.emit('OutOfStock', { ...base, missing: outcome.missing });
    else
      ctx.log.info('order cancelled before reservation: nothing reserved', {
        orderId: order.orderId,
      });
    return;
  }
  // PaymentFailed: release what this order holds (or make sure it is never reserved).
  const failed = event.data as PaymentResult;
  let released: StockBook['reservations'][string] = [];
  let after: StockBook | undefined;
  await ctx.workspace.global.update<StockBook>(STOCK_KEY, (cur) => {
    const r = release(cur ?? initial(), failed.orderId);
    released = r.released;
    after = r.book;
    return r.book;
  });
  if (released.length > 0)
    ctx.emit('InventoryReleased', {
      orderId: failed.orderId,
      customerId: failed.customerId,
      items: released,
      stockAfter: levelsOf(after, released),
    });
});
