// The breaker demo, start to finish: start the pricing service, a runtime with
// manifests/breaker-demo.yaml, price a few quotes; take the service down and send a burst of
// quotes: the breaker opens, the notifier alerts, the quotes wait (none dead-lettered, the
// service is no longer called); bring the service back: the breaker closes and every waiting
// quote is priced. Run it:  pnpm exec tsx examples/breaker-demo/demo.ts [--redis URL]
// The end-to-end test (demo.int.test.ts) runs the same function and asserts its report.
import { fileURLToPath } from 'node:url';
import { loadManifests, type CloudEvent } from '@troupe/core';
import {
  createMemoryTransport,
  createRedisTransport,
  createRuntime,
  type AgentStatus,
  type Runtime,
} from '@troupe/runtime';
import { startPricingService } from './pricing-service.js';

export const BREAKER_MANIFEST = fileURLToPath(
  new URL('../../manifests/breaker-demo.yaml', import.meta.url),
);

export interface BreakerDemoOptions {
  /** Run on Redis at this URL. Default: the embedded in-memory node. */
  readonly redisUrl?: string;
  /** Redis key namespace. Default `troupe-breaker`. */
  readonly namespace?: string;
  /** Quotes sent while the service is down. Default 8. */
  readonly burst?: number;
  /** How long the service stays down after the breaker opened, ms. Default 2500. */
  readonly outageMs?: number;
  readonly print?: (line: string) => void;
}

export interface BreakerDemoReport {
  /** System events and alerts, in arrival order. */
  readonly breakerEvents: CloudEvent[];
  readonly alerts: CloudEvent[];
  readonly quotes: CloudEvent[];
  /** The price-quoter while open: consumed counter at the opening and at the end of the outage. */
  readonly consumedWhileOpen: { atOpen: number; atRecovery: number };
  /** Service requests during the outage after the breaker opened (the half-open trials only). */
  readonly callsWhileOpen: number;
  readonly deadLettersDuringOutage: number;
  readonly deadLettersAtEnd: number;
  readonly final: AgentStatus;
  readonly sent: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`breaker demo: timed out waiting for ${what}`);
    await sleep(25);
  }
}

export async function runBreakerDemo(o: BreakerDemoOptions = {}): Promise<BreakerDemoReport> {
  const print = o.print ?? (() => {});
  const burst = o.burst ?? 8;
  const service = await startPricingService();
  // Worker threads copy the environment at start: set the URL before the pool exists.
  const prior = process.env.PRICING_URL;
  process.env.PRICING_URL = service.url;
  let rt: Runtime | undefined;
  try {
    rt = createRuntime({
      transport: o.redisUrl
        ? await createRedisTransport({
            url: o.redisUrl,
            namespace: o.namespace ?? 'troupe-breaker',
          })
        : createMemoryTransport(),
      nodeId: 'breaker-demo',
      options: { fetchBlockMs: 100, workspace: false },
    });
    const runtime = rt;
    const breakerEvents: CloudEvent[] = [];
    const alerts: CloudEvent[] = [];
    const quotes: CloudEvent[] = [];
    await runtime.transport.observe(['troupe.breaker.opened', 'troupe.breaker.closed'], (e) => {
      breakerEvents.push(e);
      print(`system event ${e.type} ${JSON.stringify(e.data)}`);
    });
    await runtime.transport.observe(['OpsAlerted'], (e) => {
      alerts.push(e);
      print(`notifier: ${(e.data as { message: string }).message}`);
    });
    await runtime.transport.observe(['QuoteReady'], (e) => quotes.push(e));
    const status = (): AgentStatus => runtime.agents().find((a) => a.name === 'price-quoter')!;
    const deadLetters = async () => (await runtime.transport.deadLetters('price-quoter')).length;

    await runtime.apply((await loadManifests([BREAKER_MANIFEST])).manifests);
    print(
      `pricing service on ${service.url}; agents: ${runtime
        .agents()
        .map((a) => a.name)
        .join(', ')}`,
    );
    const skus = ['espresso-beans', 'grinder', 'milk-frother'];
    let sent = 0;
    const quote = () =>
      runtime.publish('QuoteRequested', { sku: skus[sent % 3]!, qty: 1 + (sent++ % 3) });
    for (let i = 0; i < 3; i++) await quote();
    await until('3 quotes while healthy', () => quotes.length === 3);
    print(`healthy: ${quotes.length} quotes priced`);

    service.setHealthy(false);
    print(`pricing service DOWN; sending ${burst} quotes`);
    for (let i = 0; i < burst; i++) await quote();
    await until('the breaker to open', () => status().breaker === 'open');
    const atOpen = status().consumed;
    const callsAtOpen = service.counts.failed + service.counts.ok;
    await until('the notifier alert', () => alerts.length >= 1);
    await sleep(o.outageMs ?? 2500);
    const atRecovery = status().consumed;
    const callsWhileOpen = service.counts.failed + service.counts.ok - callsAtOpen;
    const deadLettersDuringOutage = await deadLetters();
    print(
      `while down: breaker ${status().breaker}, consumed ${atOpen} → ${atRecovery}, ${callsWhileOpen} trial call(s), ${deadLettersDuringOutage} dead letters, ${quotes.length} quotes priced`,
    );

    service.setHealthy(true);
    print('pricing service back UP');
    await until('the backlog to drain', () => quotes.length === sent, 30_000);
    await until('the breaker to close', () => status().breaker === 'closed');
    await until('the closed alert', () =>
      alerts.some((a) => (a.data as { state: string }).state === 'closed'),
    );
    const final = status();
    print(
      `recovered: breaker ${final.breaker}, ${quotes.length}/${sent} quotes priced, ${final.retried} retries, ${final.deadLettered} dead letters`,
    );
    return {
      breakerEvents,
      alerts,
      quotes,
      consumedWhileOpen: { atOpen, atRecovery },
      callsWhileOpen,
      deadLettersDuringOutage,
      deadLettersAtEnd: await deadLetters(),
      final,
      sent,
    };
  } finally {
    await rt?.close({ deadlineMs: 2000 });
    await service.close();
    if (prior === undefined) delete process.env.PRICING_URL;
    else process.env.PRICING_URL = prior;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--redis');
  const redisUrl = i > 0 ? process.argv[i + 1] : process.env.REDIS_URL;
  runBreakerDemo({ ...(redisUrl ? { redisUrl } : {}), print: (l) => console.log(l) }).catch(
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
