// `/v1/dlq`: dead letters per agent. List (all agents' counts, or one agent's entries), replay
// (given ids, or all with `{ all: true }`: never by accident), purge (given `?id=`s, or all).
// Replayed events keep their ids and go back to that agent's group only.
import type { Request, Router } from 'express';
import { badRequest, notFound } from '../problem.js';
import { agentSpecs } from './agents.js';
import { bodyObject, param, queryInt, queryList, route, type AdminContext } from './common.js';

/** The agent named in the path, if this node knows it (running or applied). */
function knownAgent(ctx: AdminContext, req: Request): string {
  const name = param(req, 'agent');
  if (ctx.runtime.agents().some((a) => a.name === name) || ctx.control.get('Agent', name))
    return name;
  throw notFound('agent', name, ' on this node');
}

function ids(raw: unknown, field: string): string[] {
  if (!Array.isArray(raw) || !raw.every((x) => typeof x === 'string' && x !== ''))
    throw badRequest(`${field} must be an array of dead-letter ids`, field);
  return raw as string[];
}

export function dlqRoutes(r: Router, ctx: AdminContext): void {
  r.get(
    '/v1/dlq',
    route(async (_req, res) => {
      const specs = agentSpecs(ctx);
      const items = await Promise.all(
        ctx.runtime.agents().map(async (a) => {
          const types = [...new Set(specs.get(a.name)?.spec.subscribe.map((s) => s.type) ?? [])];
          const stats = await ctx.runtime.transport.stats(a.name, types);
          return { agent: a.name, deadLetters: stats.deadLetters };
        }),
      );
      res.json({ items });
    }),
  );

  r.get(
    '/v1/dlq/:agent',
    route(async (req, res) => {
      const agent = knownAgent(ctx, req);
      const limit = queryInt(req, 'limit', 100, 1, 10_000);
      res.json({ agent, items: await ctx.runtime.transport.deadLetters(agent, { limit }) });
    }),
  );

  r.post(
    '/v1/dlq/:agent/replay',
    route(async (req, res) => {
      const agent = knownAgent(ctx, req);
      const body = bodyObject(req);
      const all = body.all === true;
      if (all === (body.ids !== undefined))
        throw badRequest(
          'give either ids: [..] or all: true',
          body.ids === undefined ? 'ids' : 'all',
        );
      const replayed = await ctx.runtime.transport.redrive(
        agent,
        all ? undefined : ids(body.ids, 'ids'),
      );
      ctx.log.info(`dlq: replayed ${replayed} dead letter(s) of ${agent}`, { agent, replayed });
      res.json({ agent, replayed });
    }),
  );

  r.delete(
    '/v1/dlq/:agent',
    route(async (req, res) => {
      const agent = knownAgent(ctx, req);
      const only = queryList(req, 'id');
      const purged = await ctx.runtime.transport.purgeDeadLetters(agent, only);
      ctx.log.info(`dlq: purged ${purged} dead letter(s) of ${agent}`, { agent, purged });
      res.json({ agent, purged });
    }),
  );
}
