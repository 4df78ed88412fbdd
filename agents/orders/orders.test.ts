// Unit tests of the orders agents: the stock book (all-or-none, idempotent, cancel-before-reserve),
// the payment's decline rules and compensation record, and the recommendation ranking.
import { createMemoryWorkspace, runHandler } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import inventory from './inventory.js';
import payment, { declineReason } from './payment.js';
import { recommend } from './recommendation.js';
import { emptyBook, release, reserve } from './stock.js';

const line = (sku: string, qty: number) => ({ sku, qty, price: 100 });

describe('stock book', () => {
  it('reserves all lines or none, and only once per order', () => {
    const book = emptyBook({ a: 2, b: 1 });
    const r = reserve(book, 'o1', [line('a', 1), line('a', 1), line('b', 1)]);
    expect(r.kind).toBe('reserved');
    expect(r.book.levels).toEqual({ a: 0, b: 0 });
    expect(reserve(r.book, 'o1', [line('a', 1)]).book).toBe(r.book);
    const miss = reserve(book, 'o2', [line('a', 1), line('b', 5)]);
    expect(miss).toMatchObject({
      kind: 'out-of-stock',
      missing: [{ sku: 'b', requested: 5, available: 1 }],
    });
    expect(miss.book.levels).toEqual({ a: 2, b: 1 });
  });
  it('release gives the units back; a release before the reservation prevents it', () => {
    const held = reserve(emptyBook({ a: 2 }), 'o1', [line('a', 2)]).book;
    const back = release(held, 'o1');
    expect(back.released).toEqual([line('a', 2)]);
    expect(back.book.levels).toEqual({ a: 2 });
    expect(release(back.book, 'o1').released).toEqual([]);
    const early = release(emptyBook({ a: 2 }), 'o9').book;
    expect(reserve(early, 'o9', [line('a', 1)])).toMatchObject({ kind: 'cancelled' });
  });
});

describe('payment', () => {
  const order = {
    orderId: 'o1',
    customerId: 'c1',
    card: '4242 4242 4242 4242',
    items: [line('a', 3)],
  };
  it('declines test card 0002 and amounts over the limit', () => {
    expect(declineReason(order, 1000)).toBeUndefined();
    expect(declineReason({ ...order, card: '4000-0000-0000-0002' }, 1000)).toBe('card declined');
    expect(declineReason(order, 200)).toBe('amount over the 200 limit');
  });
  it('captures once, and refunds the capture on OutOfStock', async () => {
    const workspace = createMemoryWorkspace('corr-1');
    const paid = await runHandler(payment, { type: 'OrderPlaced', data: order, workspace });
    expect(paid.emitted).toMatchObject([{ type: 'PaymentCaptured', data: { amount: 300 } }]);
    const again = await runHandler(payment, { type: 'OrderPlaced', data: order, workspace });
    expect((again.emitted[0]!.data as { paymentId: string }).paymentId).toBe(
      (paid.emitted[0]!.data as { paymentId: string }).paymentId,
    );
    const refund = await runHandler(payment, {
      type: 'OutOfStock',
      data: { orderId: 'o1', customerId: 'c1', items: [] },
      workspace,
    });
    expect(refund.emitted).toMatchObject([{ type: 'PaymentRefunded', data: { amount: 300 } }]);
  });
  it('an OutOfStock that overtakes the order cancels the capture', async () => {
    const workspace = createMemoryWorkspace('corr-2');
    const refund = await runHandler(payment, {
      type: 'OutOfStock',
      data: { orderId: 'o1', customerId: 'c1', items: [] },
      workspace,
    });
    expect(refund.emitted).toEqual([]);
    const paid = await runHandler(payment, { type: 'OrderPlaced', data: order, workspace });
    expect(paid.error).toBeUndefined();
    expect(paid.emitted).toEqual([]);
  });
});

describe('inventory', () => {
  it('reserves, then releases on PaymentFailed', async () => {
    const workspace = createMemoryWorkspace('corr-3');
    const config = { stock: { a: 5 } };
    const order = { orderId: 'o1', customerId: 'c1', card: '1', items: [line('a', 2)] };
    const r = await runHandler(inventory, { type: 'OrderPlaced', data: order, workspace, config });
    expect(r.emitted).toMatchObject([
      { type: 'InventoryReserved', data: { stockAfter: { a: 3 } } },
    ]);
    const f = await runHandler(inventory, {
      type: 'PaymentFailed',
      data: { orderId: 'o1', customerId: 'c1', amount: 200, reason: 'x' },
      workspace,
      config,
    });
    expect(f.emitted).toMatchObject([
      { type: 'InventoryReleased', data: { stockAfter: { a: 5 } } },
    ]);
  });
});

describe('recommend', () => {
  it('ranks bought-together SKUs not already ordered', () => {
    const together = { a: ['b', 'c'], d: ['c', 'a'] };
    expect(recommend(['a', 'd'], together, 3)).toEqual(['c', 'b']);
    expect(recommend(['x'], together, 3)).toEqual([]);
  });
});
