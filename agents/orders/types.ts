// Shared payload types of the orders choreography (manifests/orders.yaml): what OrderPlaced
// carries and what the agents emit, so every handler and test agrees on one shape.

/** One order line. */
export interface OrderLine {
  sku: string;
  qty: number;
  /** Unit price in cents. */
  price: number;
}

/** `OrderPlaced` data (the entry event). */
export interface OrderPlaced {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  /** Card number; one ending in `0002` is declined (the usual test-card convention). */
  card: string;
}

/** `PaymentCaptured` / `PaymentFailed` / `PaymentRefunded` data. */
export interface PaymentResult {
  orderId: string;
  customerId: string;
  /** Cents. */
  amount: number;
  paymentId?: string;
  reason?: string;
}

/** `InventoryReserved` / `InventoryReleased` / `OutOfStock` data. */
export interface InventoryResult {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  /** Units left of the order's SKUs after this change. */
  stockAfter?: Record<string, number>;
  /** OutOfStock: the lines that could not be served, with what was available. */
  missing?: { sku: string; requested: number; available: number }[];
}

/** Total of an order in cents. */
export function orderTotal(items: readonly OrderLine[]): number {
  return items.reduce((sum, l) => sum + l.qty * l.price, 0);
}
