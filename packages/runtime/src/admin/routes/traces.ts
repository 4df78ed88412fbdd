// `GET /v1/traces/:correlationId`: the causal tree of one correlation. With a trace provider
// (the runtime's archive-backed `trace`), its answer is returned as is; without one, the node
// answers from the events it observed recently (`source: 'recent-events'`, possibly partial).
import type { CloudEvent } from '@troupe/core';
import type { Router } from 'express';
import { notFound } from '../problem.js';
import { param, route, type AdminContext } from './common.js';

/** A node of the fallback tree: an event and the events it caused. */
export interface RecentTraceNode {
  readonly event: CloudEvent;
  readonly children: RecentTraceNode[];
}

/** Arrange events into trees by `causationid` (roots: events whose cause is not among them). */
export function causalTree(events: readonly CloudEvent[]): RecentTraceNode[] {
  const nodes = new Map(events.map((e) => [e.id, { event: e, children: [] as RecentTraceNode[] }]));
  const roots: RecentTraceNode[] = [];
  for (const node of nodes.values()) {
    const parent =
      node.event.causationid === undefined ? undefined : nodes.get(node.event.causationid);
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export function traceRoutes(r: Router, ctx: AdminContext): void {
  r.get(
    '/v1/traces/:correlationId',
    route(async (req, res) => {
      const correlationId = param(req, 'correlationId');
      if (ctx.traces) {
        const trace = await ctx.traces(correlationId);
        if (trace === undefined || trace === null) throw notFound('trace', correlationId);
        res.json(trace);
        return;
      }
      const events = ctx.recent(correlationId);
      if (events.length === 0)
        throw notFound('trace', correlationId, ' among the events this node saw recently');
      res.json({ correlationId, source: 'recent-events', events, roots: causalTree(events) });
    }),
  );
}
