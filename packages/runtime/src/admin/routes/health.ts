// Probes and metrics: `/livez` (the process answers; never authenticated), `/readyz` (every
// readiness check passes within its deadline: the transport, plus the archive / database checks
// the node registered) and `/metrics` (Prometheus text exposition).
import { ErrorCode } from '@troupe/core';
import type { Router } from 'express';
import { HttpError } from '../problem.js';
import { route, type AdminContext, type ReadinessCheck } from './common.js';

/** Deadline of each readiness check. */
export const READINESS_TIMEOUT_MS = 2000;

async function probe(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)),
          READINESS_TIMEOUT_MS,
        );
      }),
    ]);
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(r: Router, ctx: AdminContext): void {
  r.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });

  r.get(
    '/readyz',
    route(async (_req, res) => {
      const names = Object.keys(ctx.readiness);
      const results = await Promise.all(names.map((n) => probe(ctx.readiness[n]!)));
      const checks = Object.fromEntries(names.map((n, i) => [n, results[i]]));
      const failing = names.filter((_, i) => results[i] !== 'ok');
      if (failing.length > 0)
        throw new HttpError(
          503,
          ErrorCode.TransportUnavailable,
          `not ready: ${failing.map((n) => `${n}: ${checks[n]}`).join('; ')}`,
          { checks },
        );
      res.json({ status: 'ok', checks });
    }),
  );

  r.get(
    '/metrics',
    route(async (_req, res) => {
      const { contentType, body } = await ctx.metrics.scrape();
      res.type(contentType).send(body);
    }),
  );
}
