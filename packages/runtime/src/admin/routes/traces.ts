// `GET /v1/traces/:correlationId`: the causal tree of one correlation, from the runtime's event
// archive (`runtime.trace`) when the node has one; otherwise from the events this node observed
// recently (`source: 'recent-events'`, possibly partial). `?format=text` answers the terminal
// rendering (what `agentctl trace` prints). `POST /v1/agents/:name/replay` re-delivers archived
// events to one agent.
import { isTroupeError, type CloudEvent } from '@troupe/core';
import type { Response, Router } from 'express';
import { renderTraceTree } from '../../archive/render-trace.js';
import type { ReplayOptions } from '../../archive/replay.js';
import type { Trace } from '../../archive/trace.js';
import { badRequest, notFound } from '../problem.js';
import {
  bodyObject,
  optionalString,
  param,
  queryString,
  route,
  type AdminContext,
} from './common.js';

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

/** Text of the fallback tree: one line per event, indented under its cause. */
export function renderRecentTree(correlationId: string, roots: readonly RecentTraceNode[]): string {
  const out = [`trace ${correlationId} (recent events seen by this node; no archive)`];
  const walk = (n: RecentTraceNode, depth: number): void => {
    out.push(
      `${'   '.repeat(depth)}${depth ? '└─ ' : ''}${n.event.type}  ${n.event.id}  from ${n.event.source}  hops ${n.event.hops}`,
    );
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return out.join('\n');
}

/** True for the error `runtime.trace` / `replay` throw when the node has no archive. */
function archiveOff(err: unknown): boolean {
  return isTroupeError(err) && err.data.field === 'options.archive';
}

function send(res: Response, text: boolean, json: unknown, render: () => string): void {
  if (text) res.type('text/plain; charset=utf-8').send(`${render()}\n`);
  else res.json(json);
}

export function traceRoutes(r: Router, ctx: AdminContext): void {
  r.get(
    '/v1/traces/:correlationId',
    route(async (req, res) => {
      const correlationId = param(req, 'correlationId');
      const format = queryString(req, 'format') ?? 'json';
      if (format !== 'json' && format !== 'text')
        throw badRequest(`format must be json or text, got '${format}'`, 'format');
      const text = format === 'text';
      if (ctx.traces) {
        const trace = await ctx.traces(correlationId);
        if (trace === undefined || trace === null) throw notFound('trace', correlationId);
        send(res, text, trace, () => JSON.stringify(trace, null, 2));
        return;
      }
      let trace: Trace | undefined;
      try {
        trace = await ctx.runtime.trace(correlationId);
      } catch (err) {
        if (!archiveOff(err)) throw err;
      }
      if (trace && trace.eventCount > 0) {
        const t = trace;
        send(res, text, t, () => renderTraceTree(t));
        return;
      }
      const events = ctx.recent(correlationId);
      if (events.length === 0)
        throw notFound(
          'trace',
          correlationId,
          trace ? ' in the event archive' : ' among the events this node saw recently',
        );
      const roots = causalTree(events);
      send(res, text, { correlationId, source: 'recent-events', events, roots }, () =>
        renderRecentTree(correlationId, roots),
      );
    }),
  );

  r.post(
    '/v1/agents/:name/replay',
    route(async (req, res) => {
      const body = bodyObject(req);
      const ids = body.ids;
      if (ids !== undefined && (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')))
        throw badRequest('ids must be an array of event ids', 'ids');
      const correlationId = optionalString(body, 'correlationId');
      const from = optionalString(body, 'from');
      const to = optionalString(body, 'to');
      if (ids === undefined && !correlationId && !from && !to)
        throw badRequest('select events to replay: ids, correlationId, from or to', 'ids');
      if (body.limit !== undefined && typeof body.limit !== 'number')
        throw badRequest('limit must be a number', 'limit');
      const options: ReplayOptions = {
        agent: param(req, 'name'),
        ...(ids ? { ids: ids } : {}),
        ...(correlationId ? { correlationId } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(body.dryRun === true ? { dryRun: true } : {}),
        ...(typeof body.limit === 'number' ? { limit: body.limit } : {}),
      };
      res.json(await ctx.runtime.replay(options));
    }),
  );
}
