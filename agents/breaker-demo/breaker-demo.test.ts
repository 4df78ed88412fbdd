// Unit tests of the breaker demo agents against a real local pricing service: a quote is priced,
// a 503 or a refused connection is a retryable failure, an unknown SKU is not retried, and the
// notifier turns breaker system events into alerts.
import { ErrorCode, runHandler } from '@troupe/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startPricingService,
  type PricingService,
} from '../../examples/breaker-demo/pricing-service.js';
import notifier from './notifier.js';
import priceQuoter from './price-quoter.js';

let service: PricingService;
beforeAll(async () => {
  service = await startPricingService();
});
afterAll(async () => {
  await service.close();
});

describe('price-quoter', () => {
  const run = (data: unknown, url = service.url) =>
    runHandler(priceQuoter, { type: 'QuoteRequested', data: data as never, config: { url } });

  it('prices a quote from the service', async () => {
    delete process.env.PRICING_URL;
    const r = await run({ sku: 'grinder', qty: 2 });
    expect(r.emitted).toEqual([
      { type: 'QuoteReady', data: { sku: 'grinder', qty: 2, unitPrice: 8900, total: 17800 } },
    ]);
  });
  it('fails retryably on 503 and on a refused connection; an unknown SKU is not retried', async () => {
    service.setHealthy(false);
    const down = await run({ sku: 'grinder', qty: 1 });
    service.setHealthy(true);
    expect(down.error).toMatchObject({
      code: ErrorCode.HandlerFailed,
      retryable: true,
      data: { status: 503 },
    });
    const refused = await run({ sku: 'grinder', qty: 1 }, 'http://127.0.0.1:1');
    expect(refused.error).toMatchObject({
      code: ErrorCode.HandlerFailed,
      message: expect.stringContaining('unreachable') as unknown,
    });
    const unknown = await run({ sku: 'nope', qty: 1 });
    expect(unknown.error).toMatchObject({ code: ErrorCode.NonRetryable, retryable: false });
  });
});

describe('notifier', () => {
  it('alerts on opened and closed', async () => {
    const data = { agent: 'price-quoter', failures: 3, at: '2026-01-01T00:00:00.000Z' };
    const open = await runHandler(notifier, { type: 'troupe.breaker.opened', data });
    expect(open.emitted[0]).toMatchObject({
      type: 'OpsAlerted',
      data: { state: 'open', failures: 3 },
    });
    const closed = await runHandler(notifier, { type: 'troupe.breaker.closed', data });
    expect(closed.emitted[0]).toMatchObject({
      data: { state: 'closed', message: expect.stringContaining('closed') as unknown },
    });
  });
});
