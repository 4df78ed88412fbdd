// Orders agents `payment` and `payment-refund` (one module): captures the order's amount (simulated card processor), or fails it;
// compensates an order that turned out to be out of stock by refunding the capture.
//   OrderPlaced → PaymentCaptured | PaymentFailed        OutOfStock → PaymentRefunded
// The per-order payment record lives in the workspace (bound to the order's correlation) and is
// changed by compare-and-set, so a retried or reordered delivery never charges or refunds twice:
// an OutOfStock that overtakes its OrderPlaced cancels the capture before it happens.
import { defineAgent } from '@troupe/core';
import { orderTotal, type InventoryResult, type OrderPlaced } from './types.js';

export interface PaymentConfig extends Record<string, unknown> {
  /** Largest amount (cents) captured without review; above it the payment fails. Default 1,000,000. */
  limit?: number;
  /** Simulated processor latency per capture, ms (honours ctx.signal). Default 0. */
  latencyMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      },
      { once: true },
    );
  });
}

type PaymentRecord =
  | { status: 'captured'; paymentId: string; amount: number }
  | { status: 'failed'; reason: string; amount: number }
  | { status: 'refunded'; paymentId: string; amount: number }
  | { status: 'cancelled' };

/** Why the simulated processor declines, or undefined when it accepts. */
export function declineReason(order: OrderPlaced, limit: number): string | undefined {
  if (/0002$/.test(order.card.replace(/\D/g, ''))) return 'card declined';
  if (orderTotal(order.items) > limit) return `amount over the ${limit} limit`;
  return undefined;
}

export default defineAgent<OrderPlaced | InventoryResult, PaymentConfig>(async (event, ctx) => {
  if (event.type === 'OrderPlaced') {
    const order = event.data as OrderPlaced;
    const amount = orderTotal(order.items);
    const reason = declineReason(order, ctx.config.limit ?? 1_000_000);
    // The input event id is the processor's idempotency key: a retry captures nothing new.
    await sleep(ctx.config.latencyMs ?? 0, ctx.signal);
    const paymentId = `pay_${event.id.replace(/-/g, '').slice(-16)}`;
    const rec = await ctx.workspace.update<PaymentRecord>('payment', (cur) => {
      if (cur) return cur;
      return reason
        ? { status: 'failed', reason, amount }
        : { status: 'captured', paymentId, amount };
    });
    const base = { orderId: order.orderId, customerId: order.customerId, amount };
    const v = rec.value;
    if (v.status === 'captured') ctx.emit('PaymentCaptured', { ...base, paymentId: v.paymentId });
    else if (v.status === 'failed') ctx.emit('PaymentFailed', { ...base, reason: v.reason });
    else
      ctx.log.info('order cancelled before payment: nothing captured', { orderId: order.orderId });
    return;
  }
  // OutOfStock: compensate a capture (or prevent it).
  const miss = event.data as InventoryResult;
  const rec = await ctx.workspace.update<PaymentRecord>('payment', (cur) => {
    if (!cur) return { status: 'cancelled' };
    if (cur.status === 'captured') return { ...cur, status: 'refunded' };
    return cur;
  });
  if (rec.value.status === 'refunded')
    ctx.emit('PaymentRefunded', {
      orderId: miss.orderId,
      customerId: miss.customerId,
      amount: rec.value.amount,
      paymentId: rec.value.paymentId,
      reason: 'out of stock',
    });
});
