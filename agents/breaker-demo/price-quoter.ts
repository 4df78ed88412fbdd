// Breaker demo agent `price-quoter`: prices a quote by calling an external HTTP pricing service.
//   QuoteRequested { sku, qty } → QuoteReady { sku, qty, unitPrice, total }
// When the service fails (5xx, refused connection, timeout) the handler throws a retryable
// error; repeated failures open the agent's circuit breaker, so the runtime stops fetching and
// the quotes wait in the stream until the service is back (manifests/breaker-demo.yaml).
// The service URL: env PRICING_URL, else `config.url`.
import { ErrorCode, NonRetryableError, TroupeError, defineAgent } from '@troupe/core';

export interface QuoteRequested {
  sku: string;
  qty: number;
}

export interface PriceQuoterConfig extends Record<string, unknown> {
  /** Base URL of the pricing service. Default `http://127.0.0.1:4700`. */
  url?: string;
  /** Per-request timeout, ms. Default 2000. */
  requestTimeoutMs?: number;
}

/** The pricing service's URL for this handler run. */
export function pricingUrl(config: PriceQuoterConfig): string {
  return process.env.PRICING_URL ?? config.url ?? 'http://127.0.0.1:4700';
}

export default defineAgent<QuoteRequested, PriceQuoterConfig>(async (event, ctx) => {
  const { sku, qty } = event.data;
  const url = `${pricingUrl(ctx.config)}/price?sku=${encodeURIComponent(sku)}`;
  const signal = AbortSignal.any([
    ctx.signal,
    AbortSignal.timeout(ctx.config.requestTimeoutMs ?? 2000),
  ]);
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (err) {
    throw new TroupeError(
      ErrorCode.HandlerFailed,
      `pricing service unreachable: ${(err as Error).message}`,
      {
        data: { dependency: 'pricing', url },
        cause: err,
      },
    );
  }
  if (res.status === 404) throw new NonRetryableError(`unknown sku ${sku}`, { data: { sku } });
  if (!res.ok)
    throw new TroupeError(ErrorCode.HandlerFailed, `pricing service answered ${res.status}`, {
      data: { dependency: 'pricing', url, status: res.status },
    });
  const { unitPrice } = (await res.json()) as { unitPrice: number };
  ctx.emit('QuoteReady', { sku, qty, unitPrice, total: unitPrice * qty });
});
