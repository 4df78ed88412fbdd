// The breaker demo's external dependency: a tiny HTTP pricing service on 127.0.0.1 (port 0 by
// default: the OS picks a free one). `GET /price?sku=…` answers `{ sku, unitPrice }`; it can be
// taken down (`setHealthy(false)`: every request answers 503) and brought back, and it counts
// the requests it saw, so the demo can show that an open breaker stops calling it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PricingService {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Healthy: 200 with a price; unhealthy: 503. */
  setHealthy(healthy: boolean): void;
  /** Requests seen so far: ok (200) and failed (503). */
  readonly counts: { ok: number; failed: number };
  close(): Promise<void>;
}

/** Unit prices in cents; an unknown SKU answers 404. */
export const PRICES: Readonly<Record<string, number>> = {
  'espresso-beans': 1450,
  grinder: 8900,
  'milk-frother': 3900,
};

export async function startPricingService(port = 0): Promise<PricingService> {
  let healthy = true;
  const counts = { ok: 0, failed: 0 };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/price') {
      res.writeHead(404).end();
      return;
    }
    if (!healthy) {
      counts.failed++;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'pricing database unavailable' }));
      return;
    }
    const sku = url.searchParams.get('sku') ?? '';
    const unitPrice = PRICES[sku];
    if (unitPrice === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `unknown sku ${sku}` }));
      return;
    }
    counts.ok++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sku, unitPrice }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    setHealthy(h) {
      healthy = h;
    },
    counts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
