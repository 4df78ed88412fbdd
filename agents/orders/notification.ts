// Orders agent `notification`: tells the customer what happened to the order. It listens to the
// outcomes only (completed, payment failed, out of stock, refunded) and emits the message it
// "sent" as CustomerNotified, so tests and traces can see exactly what the customer received.
import { defineAgent } from '@troupe/core';
import type { AggregateLike } from './recommendation.js';
import type { InventoryResult, PaymentResult } from './types.js';

/** The message for one outcome event. */
export function messageFor(
  type: string,
  data: unknown,
): { orderId: string; customerId: string; template: string; text: string } {
  const cents = (n: number): string => `$${(n / 100).toFixed(2)}`;
  switch (type) {
    case 'OrderCompleted': {
      const agg = data as AggregateLike;
      const paid = agg.results.PaymentCaptured;
      return {
        orderId: paid.orderId,
        customerId: paid.customerId,
        template: 'order-confirmed',
        text: `Your order ${paid.orderId} is confirmed: ${cents(paid.amount)} charged (${paid.paymentId}).`,
      };
    }
    case 'PaymentFailed': {
      const p = data as PaymentResult;
      return {
        orderId: p.orderId,
        customerId: p.customerId,
        template: 'payment-failed',
        text: `We could not charge ${cents(p.amount)} for order ${p.orderId} (${p.reason ?? 'declined'}); nothing was shipped.`,
      };
    }
    case 'OutOfStock': {
      const i = data as InventoryResult;
      const skus = (i.missing ?? []).map((m) => `${m.sku} (${m.available} of ${m.requested} left)`);
      return {
        orderId: i.orderId,
        customerId: i.customerId,
        template: 'out-of-stock',
        text: `Order ${i.orderId} cannot be served: ${skus.join(', ')}.`,
      };
    }
    default: {
      const p = data as PaymentResult;
      return {
        orderId: p.orderId,
        customerId: p.customerId,
        template: 'refunded',
        text: `We refunded ${cents(p.amount)} for order ${p.orderId} (${p.reason ?? 'refund'}).`,
      };
    }
  }
}

export default defineAgent((event, ctx) => {
  const msg = messageFor(event.type, event.data);
  ctx.log.info(`notify ${msg.customerId}: ${msg.text}`);
  ctx.emit('CustomerNotified', { ...msg, channel: 'email', outcome: event.type });
});
