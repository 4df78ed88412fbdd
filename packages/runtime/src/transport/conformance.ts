// The transport conformance suite (STYLE.md §1, like Watermill's pubsub/tests): one set of
// behaviours every transport must show, registered as vitest tests. A transport declares what
// it guarantees beyond the common contract in `features`; tests for a feature it lacks are
// skipped by the suite, never by hand. Call it at the top level of a test file with `await`
// (vitest is loaded lazily so that importing @troupe/runtime never loads the test runner):
//
//   await runTransportConformance('memory', async () => ({ transport, features, cleanup }));
import { createEvent, ErrorCode } from '@troupe/core';
import type { Consumer, Delivery } from './contract.js';
import type {
  ConformanceFactory,
  ConformanceKit,
  ConformanceOptions,
  ConformanceSetup,
} from './conformance-kit.js';
import { defineBudgetCases } from './conformance-budget.js';
import { defineCoreCases } from './conformance-core.js';
import { defineFailureCases } from './conformance-failures.js';
import { defineObserveCases } from './conformance-observe.js';
import { defineReplayCases } from './conformance-replay.js';

let runSeq = 0;

/** Register the conformance suite for one transport. Await it at a test file's top level. */
export async function runTransportConformance(
  name: string,
  factory: ConformanceFactory,
  options: ConformanceOptions = {},
): Promise<void> {
  const vitest = await import('vitest');
  const vt = options.visibilityTimeoutMs ?? 300;
  const run = `${Date.now().toString(36)}${(++runSeq).toString(36)}`;
  let current: ConformanceSetup | undefined;
  let seq = 0;
  const opened: Consumer[] = [];

  const kit: ConformanceKit = {
    vt,
    setup: () => {
      if (!current) throw new Error('conformance: no setup (beforeEach did not run)');
      return current;
    },
    type: (label) => `conf.${run}.${++seq}.${label}`,
    group: (label) => `g-${run}-${++seq}-${label}`,
    event: (type, data = {}) => createEvent({ type, data, source: 'troupe://conformance' }),
    consumer: async (group, types, consumerName = 'node-1', extra = {}) => {
      const c = await kit.setup().transport.consume({
        group,
        types,
        consumer: consumerName,
        visibilityTimeoutMs: vt,
        ...extra,
      });
      opened.push(c);
      return c;
    },
    collect: async (consumer, n, timeoutMs = 3000, batch = 100) => {
      const out: Delivery[] = [];
      const deadline = Date.now() + timeoutMs;
      while (out.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        out.push(...(await consumer.fetch(Math.min(batch, n - out.length), Math.min(left, 500))));
      }
      return out;
    },
    error: (message = 'boom') => ({
      name: 'TroupeError',
      code: ErrorCode.HandlerFailed,
      message,
      data: { detail: 1 },
      retryable: true,
    }),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };

  vitest.describe(`transport conformance: ${name}`, () => {
    vitest.beforeEach(async () => {
      current = await factory();
    });
    vitest.afterEach(async () => {
      for (const c of opened.splice(0)) await c.close().catch(() => undefined);
      const s = current;
      current = undefined;
      if (s) await s.cleanup();
    });
    defineCoreCases(vitest, kit);
    defineObserveCases(vitest, kit);
    defineFailureCases(vitest, kit);
    defineReplayCases(vitest, kit);
    defineBudgetCases(vitest, kit);
  });
}

export type {
  ConformanceFactory,
  ConformanceOptions,
  ConformanceSetup,
} from './conformance-kit.js';
