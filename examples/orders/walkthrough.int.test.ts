// End to end: the orders choreography on a real runtime (worker threads, the embedded transport,
// and Redis when it is reachable): completion through the aggregator, both choreographed
// compensations, and the recommendation agent hot-added by applying one more manifest to the
// running runtime with no other agent restarted.
import {
  cleanupRedisPrefix,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { runOrdersWalkthrough, type WalkthroughReport } from './walkthrough.js';

function assertReport(r: WalkthroughReport): void {
  // 1. Paid + reserved → the order-completion aggregator (policy all) completes the order.
  expect(r.completed.OrderCompleted!.data).toMatchObject({
    complete: true,
    arrived: ['PaymentCaptured', 'InventoryReserved'],
    missing: [],
  });
  expect(r.completed.OrderCompleted!.source).toBe('troupe://agent/order-completion');
  expect(r.completed.CustomerNotified!.data).toMatchObject({
    template: 'order-confirmed',
    outcome: 'OrderCompleted',
  });
  expect(r.completed.InventoryReserved!.data).toMatchObject({
    stockAfter: { 'espresso-beans': 48 },
  });

  // 2. Declined card: inventory (which had reserved the grinder) releases it — choreographed.
  expect(r.declined.PaymentFailed!.data).toMatchObject({ reason: 'card declined', amount: 8900 });
  // (With the processor's 200 ms latency the reservation wins the race; if the decline ever
  // overtakes it, inventory must cancel instead: nothing reserved, nothing released.)
  if (r.declined.InventoryReserved) {
    expect(r.declined.InventoryReserved.data).toMatchObject({ stockAfter: { grinder: 2 } });
    expect(r.declined.InventoryReleased!.data).toMatchObject({
      items: [{ sku: 'grinder', qty: 1 }],
      stockAfter: { grinder: 3 },
    });
    expect(r.declined.InventoryReleased!.causationid).toBe(r.declined.PaymentFailed!.id);
  } else expect(r.declined.InventoryReleased).toBeUndefined();
  expect(r.declined.CustomerNotified!.data).toMatchObject({ template: 'payment-failed' });

  // 3. Out of stock: nothing reserved; a capture (if it won the race) is refunded, never kept.
  expect(r.outOfStock.OutOfStock!.data).toMatchObject({
    missing: [{ sku: 'milk-frother', requested: 99, available: 5 }],
  });
  if (r.outOfStock.PaymentCaptured)
    expect(r.outOfStock.PaymentRefunded!.data).toMatchObject({
      paymentId: (r.outOfStock.PaymentCaptured.data as { paymentId: string }).paymentId,
    });
  else expect(r.outOfStock.PaymentRefunded).toBeUndefined();

  // 4. Hot add: only the new agent started; the others kept running (counters continue).
  expect(r.hotAdd).toMatchObject({ start: ['recommendation'], restart: [], stop: [] });
  expect([...r.hotAdd.unchanged].sort()).toEqual(
    ['inventory', 'notification', 'payment', 'payment-refund'].sort(),
  );
  for (const name of ['payment', 'inventory', 'notification'])
    expect(r.countersAfter[name]!).toBeGreaterThan(r.countersBefore[name]!);
  expect(r.countersBefore.recommendation).toBeUndefined();
  expect(r.countersAfter.recommendation).toBe(1);
  expect(r.afterHotAdd.RecommendationsReady!.data).toMatchObject({
    skus: ['filter-papers', 'grinder', 'milk-frother'],
  });
  expect(r.afterHotAdd.RecommendationsReady!.causationid).toBe(r.afterHotAdd.OrderCompleted!.id);
}

describe('orders walkthrough on the embedded runtime', () => {
  it('completes, compensates both ways, and a hot-added agent consumes the next order', async () => {
    assertReport(await runOrdersWalkthrough());
  });
});

describeWithRedis('orders walkthrough on Redis', () => {
  const namespace = uniquePrefix('orders');
  afterAll(async () => {
    await cleanupRedisPrefix(redisUrl(), namespace);
  });
  it('completes, compensates both ways, and a hot-added agent consumes the next order', async () => {
    assertReport(await runOrdersWalkthrough({ redisUrl: redisUrl(), namespace }));
  });
});
