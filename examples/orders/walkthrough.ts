// The orders walkthrough (examples/README.md): a running runtime takes three orders (one
// completes, one is declined and its reservation is released, one is out of stock and its
// capture refunded), then ONE more manifest is applied to the same running runtime, adding the
// `recommendation` agent, with no change to any other agent and no restart; the next order gets
// recommendations. Run it:  pnpm exec tsx examples/orders/walkthrough.ts [--redis URL]
// The end-to-end test (walkthrough.int.test.ts) runs the same function and asserts its report.
import { fileURLToPath } from 'node:url';
import { loadManifests, type CloudEvent, type LoadedManifest } from '@troupe/core';
import {
  createMemoryTransport,
  createRedisTransport,
  createRuntime,
  type ApplyResult,
  type Runtime,
} from '@troupe/runtime';

const MANIFESTS = fileURLToPath(new URL('../../manifests/', import.meta.url));
export const ORDERS_MANIFEST = `${MANIFESTS}orders.yaml`;
export const RECOMMENDATION_MANIFEST = `${MANIFESTS}orders-recommendation.yaml`;

export interface WalkthroughOptions {
  /** Run on Redis at this URL (streams and workspace); default: the embedded in-memory node. */
  readonly redisUrl?: string;
  /** Redis key namespace. Default `troupe-orders`. */
  readonly namespace?: string;
  /** Progress lines. Default: none. */
  readonly print?: (line: string) => void;
  /** Per-order wait, ms. Default 20,000. */
  readonly timeoutMs?: number;
}

/** Everything that happened to one order, by event type (first event of each type). */
export type OrderOutcome = Record<string, CloudEvent>;

export interface WalkthroughReport {
  readonly completed: OrderOutcome;
  readonly declined: OrderOutcome;
  readonly outOfStock: OrderOutcome;
  /** What applying the recommendation manifest did to the running agents. */
  readonly hotAdd: ApplyResult;
  readonly afterHotAdd: OrderOutcome;
  /** Agent names and their succeeded counters before and after the hot add. */
  readonly countersBefore: Record<string, number>;
  readonly countersAfter: Record<string, number>;
}

async function load(file: string): Promise<LoadedManifest[]> {
  const set = await loadManifests([file]);
  const errors = set.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${file}: ${errors.map((e) => e.message).join('; ')}`);
  return set.manifests;
}

/**
 * Publish an order and collect the first event of each of `types` in its correlation; `maybe`
 * types are collected when they arrive within `graceMs` (which path a race takes may vary).
 */
async function placeOrder(
  rt: Runtime,
  data: unknown,
  types: readonly string[],
  timeoutMs: number,
  maybe: readonly string[] = [],
  graceMs = 3000,
): Promise<OrderOutcome> {
  const correlationId = crypto.randomUUID();
  const waits = await Promise.all(types.map((t) => rt.waitFor(correlationId, [t], timeoutMs)));
  const optional = await Promise.all(maybe.map((t) => rt.waitFor(correlationId, [t], graceMs)));
  await rt.publish('OrderPlaced', data, { correlationId });
  const events = await Promise.all(waits.map((w) => w.event));
  const extra = await Promise.allSettled(optional.map((w) => w.event));
  for (const r of extra) if (r.status === 'fulfilled') events.push(r.value);
  return Object.fromEntries(events.map((e) => [e.type, e]));
}

const counters = (rt: Runtime): Record<string, number> =>
  Object.fromEntries(rt.agents().map((a) => [a.name, a.succeeded]));

/** Run the whole walkthrough on a fresh runtime and close it. */
export async function runOrdersWalkthrough(o: WalkthroughOptions = {}): Promise<WalkthroughReport> {
  const print = o.print ?? (() => {});
  const timeoutMs = o.timeoutMs ?? 20_000;
  const transport = o.redisUrl
    ? await createRedisTransport({ url: o.redisUrl, namespace: o.namespace ?? 'troupe-orders' })
    : createMemoryTransport();
  const rt = createRuntime({
    transport,
    nodeId: 'orders-walkthrough',
    options: {
      fetchBlockMs: 100,
      ...(o.redisUrl
        ? {
            workspace: {
              kind: 'redis',
              url: o.redisUrl,
              namespace: o.namespace ?? 'troupe-orders',
            },
          }
        : {}),
    },
  });
  try {
    const orders = await load(ORDERS_MANIFEST);
    const first = await rt.apply(orders);
    print(`applied manifests/orders.yaml: started ${first.start.join(', ')}`);
    const run = crypto.randomUUID().slice(0, 8);
    const order = (n: string, card: string, items: unknown[]) => ({
      orderId: `o-${run}-${n}`,
      customerId: 'c-ada',
      card,
      items,
    });
    const good = '4242 4242 4242 4242';
    const completed = await placeOrder(
      rt,
      order('1', good, [{ sku: 'espresso-beans', qty: 2, price: 1450 }]),
      ['PaymentCaptured', 'InventoryReserved', 'OrderCompleted', 'CustomerNotified'],
      timeoutMs,
    );
    print(`order 1: ${String((completed.CustomerNotified?.data as { text: string }).text)}`);
    const declined = await placeOrder(
      rt,
      order('2', '4000 0000 0000 0002', [{ sku: 'grinder', qty: 1, price: 8900 }]),
      ['PaymentFailed', 'CustomerNotified'],
      timeoutMs,
      // Reserved-then-released is the usual path (the processor is slower than the stock book);
      // a decline that overtakes the reservation cancels it instead.
      ['InventoryReserved', 'InventoryReleased'],
    );
    print(`order 2: ${String((declined.CustomerNotified?.data as { text: string }).text)}`);
    print(
      declined.InventoryReleased
        ? `order 2: compensation InventoryReleased ${JSON.stringify(declined.InventoryReleased.data)}`
        : 'order 2: PaymentFailed overtook the reservation: inventory cancelled it before reserving',
    );
    const outOfStock = await placeOrder(
      rt,
      order('3', good, [{ sku: 'milk-frother', qty: 99, price: 3900 }]),
      ['OutOfStock', 'CustomerNotified'],
      timeoutMs,
      ['PaymentCaptured', 'PaymentRefunded'],
    );
    print(`order 3: ${String((outOfStock.CustomerNotified?.data as { text: string }).text)}`);
    print(
      outOfStock.PaymentRefunded
        ? `order 3: compensation PaymentRefunded ${JSON.stringify(outOfStock.PaymentRefunded.data)}`
        : 'order 3: OutOfStock overtook the capture: payment-refund cancelled it before any charge',
    );

    // The seed's point: one more manifest, applied to the RUNNING runtime (the desired state is
    // the union, as `agentctl apply` makes it on a node): only the new agent starts.
    const countersBefore = counters(rt);
    const hotAdd = await rt.apply([...orders, ...(await load(RECOMMENDATION_MANIFEST))]);
    print(
      `applied manifests/orders-recommendation.yaml: started [${hotAdd.start.join(', ')}], restarted [${hotAdd.restart.join(', ')}], unchanged [${hotAdd.unchanged.join(', ')}]`,
    );
    const afterHotAdd = await placeOrder(
      rt,
      order('4', good, [{ sku: 'espresso-beans', qty: 1, price: 1450 }]),
      ['OrderCompleted', 'RecommendationsReady', 'CustomerNotified'],
      timeoutMs,
    );
    print(
      `order 4: RecommendationsReady ${JSON.stringify(afterHotAdd.RecommendationsReady?.data)}`,
    );
    // The committed emission can be seen a moment before the agent's counter moves.
    for (let i = 0; i < 40 && !counters(rt).recommendation; i++)
      await new Promise((r) => setTimeout(r, 50));
    return {
      completed,
      declined,
      outOfStock,
      hotAdd,
      afterHotAdd,
      countersBefore,
      countersAfter: counters(rt),
    };
  } finally {
    await rt.close({ deadlineMs: 2000 });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--redis');
  const redisUrl = i > 0 ? process.argv[i + 1] : process.env.REDIS_URL;
  runOrdersWalkthrough({ ...(redisUrl ? { redisUrl } : {}), print: (l) => console.log(l) }).catch(
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
