// Orders agent `recommendation` — the agent added to a RUNNING orders system by applying one more
// manifest (manifests/orders-recommendation.yaml), with no change to any other agent. It reads
// the completed order from OrderCompleted (the order-completion aggregator's output) and
// suggests products frequently bought with what was ordered.
//   OrderCompleted (complete) → RecommendationsReady
import { defineAgent } from '@troupe/core';
import type { InventoryResult, PaymentResult } from './types.js';

/** The slice of the aggregator's output (`AggregateData`) the orders agents read. */
export interface AggregateLike {
  complete: boolean;
  results: {
    PaymentCaptured: PaymentResult & { paymentId: string };
    InventoryReserved: InventoryResult;
  };
}

export interface RecommendationConfig extends Record<string, unknown> {
  /** SKU → SKUs frequently bought with it. Default `{}`. */
  boughtTogether?: Record<string, string[]>;
  /** Suggestions at most. Default 3. */
  limit?: number;
}

/** Suggestions for the ordered SKUs: bought-together SKUs not already ordered, by frequency. */
export function recommend(
  ordered: readonly string[],
  together: Record<string, string[]>,
  limit: number,
): string[] {
  const have = new Set(ordered);
  const score = new Map<string, number>();
  for (const sku of ordered)
    for (const other of together[sku] ?? [])
      if (!have.has(other)) score.set(other, (score.get(other) ?? 0) + 1);
  return [...score]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, limit)
    .map(([sku]) => sku);
}

export default defineAgent<AggregateLike, RecommendationConfig>((event, ctx) => {
  const order = event.data.results.InventoryReserved;
  const skus = recommend(
    order.items.map((l) => l.sku),
    ctx.config.boughtTogether ?? {},
    ctx.config.limit ?? 3,
  );
  ctx.emit('RecommendationsReady', { orderId: order.orderId, customerId: order.customerId, skus });
});
