// End to end: the breaker demo on a real runtime (worker threads, a real HTTP dependency on a free
// port; Redis when reachable). The breaker opens, the notifier handles troupe.breaker.opened,
// quotes wait without being failed or dead-lettered and the dependency is left alone, then the
// dependency comes back, the breaker closes and every quote is priced.
import {
  cleanupRedisPrefix,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { runBreakerDemo, type BreakerDemoReport } from './demo.js';
import { PRICES } from './pricing-service.js';

function assertReport(r: BreakerDemoReport): void {
  const types = r.breakerEvents.map((e) => e.type);
  expect(types[0]).toBe('troupe.breaker.opened');
  expect(types.at(-1)).toBe('troupe.breaker.closed');
  expect(r.breakerEvents[0]!.data).toMatchObject({ agent: 'price-quoter', failures: 3 });
  // The notifier handled the system events: one alert per opened/closed event, caused by it.
  expect(r.alerts).toHaveLength(r.breakerEvents.length);
  expect(r.alerts[0]!.data).toMatchObject({ agent: 'price-quoter', state: 'open', failures: 3 });
  expect(r.alerts[0]!.causationid).toBe(r.breakerEvents[0]!.id);
  expect(r.alerts.at(-1)!.data).toMatchObject({ state: 'closed' });
  // While open: the events waited; at most the half-open trials reached the dependency.
  expect(r.deadLettersDuringOutage).toBe(0);
  expect(r.callsWhileOpen).toBeLessThanOrEqual(2);
  expect(r.consumedWhileOpen.atRecovery - r.consumedWhileOpen.atOpen).toBeLessThanOrEqual(2);
  expect(r.consumedWhileOpen.atOpen).toBeLessThan(r.sent);
  // Recovered: closed, every quote priced exactly once and correctly, nothing dead-lettered.
  expect(r.final).toMatchObject({ breaker: 'closed', deadLettered: 0 });
  expect(r.deadLettersAtEnd).toBe(0);
  expect(r.quotes).toHaveLength(r.sent);
  expect(new Set(r.quotes.map((q) => q.causationid)).size).toBe(r.sent);
  for (const q of r.quotes) {
    const d = q.data as { sku: string; qty: number; unitPrice: number; total: number };
    expect(d.unitPrice).toBe(PRICES[d.sku]);
    expect(d.total).toBe(d.unitPrice * d.qty);
  }
}

describe('breaker demo on the embedded runtime', () => {
  it('opens, alerts, holds the backlog without dead letters, closes and drains', async () => {
    assertReport(await runBreakerDemo());
  });
});

describeWithRedis('breaker demo on Redis', () => {
  const namespace = uniquePrefix('breaker');
  afterAll(async () => {
    await cleanupRedisPrefix(redisUrl(), namespace);
  });
  it('opens, alerts, holds the backlog without dead letters, closes and drains', async () => {
    assertReport(await runBreakerDemo({ redisUrl: redisUrl(), namespace }));
  });
});
