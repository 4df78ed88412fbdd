// `/v1/agents`: the agents running on this node with their status (state, in-flight, breaker,
// counters since start) and the transport's view of their consumer group (lag, pending, dead
// letters), and one agent in detail with its spec and where its manifest came from.
import { toolEmits, type AgentManifest } from '@troupe/core';
import type { Router } from 'express';
import type { AgentStatus } from '../../pipeline/agent-runner.js';
import type { GroupStats } from '../../transport/contract.js';
import { notFound } from '../problem.js';
import { param, route, type AdminContext } from './common.js';

/** An agent as the API shows it. `stats` is absent when the transport could not be read. */
export interface AgentView extends AgentStatus {
  readonly subscribes: readonly string[];
  readonly emits: readonly string[];
  readonly stats?: GroupStats;
}

/** Subscribed types of each applied Agent document. */
export function agentSpecs(ctx: AdminContext): Map<string, AgentManifest> {
  const out = new Map<string, AgentManifest>();
  for (const m of ctx.control.manifests())
    if (m.manifest.kind === 'Agent') out.set(m.manifest.metadata.name, m.manifest);
  return out;
}

async function view(
  ctx: AdminContext,
  status: AgentStatus,
  spec: AgentManifest | undefined,
): Promise<AgentView> {
  const subscribes = [...new Set(spec?.spec.subscribe.map((s) => s.type) ?? [])];
  let stats: GroupStats | undefined;
  try {
    stats = await ctx.runtime.transport.stats(status.name, subscribes);
  } catch {
    stats = undefined;
  }
  // A built-in (uses: mcp-tool) agent without `emits` emits its tool's result and failure types.
  const emits = spec === undefined ? [] : (spec.spec.emits ?? toolEmits(spec.spec));
  return { ...status, subscribes, emits, ...(stats ? { stats } : {}) };
}

export function agentRoutes(r: Router, ctx: AdminContext): void {
  r.get(
    '/v1/agents',
    route(async (_req, res) => {
      const specs = agentSpecs(ctx);
      const items = await Promise.all(
        ctx.runtime.agents().map((a) => view(ctx, a, specs.get(a.name))),
      );
      res.json({ items });
    }),
  );

  r.get(
    '/v1/agents/:name',
    route(async (req, res) => {
      const name = param(req, 'name');
      const status = ctx.runtime.agents().find((a) => a.name === name);
      if (!status) throw notFound('agent', name, ' on this node');
      const doc = ctx.control.get('Agent', name);
      const base = await view(ctx, status, doc?.manifest as AgentManifest | undefined);
      res.json({
        ...base,
        spec: doc?.manifest.spec,
        labels: doc?.manifest.metadata.labels ?? {},
        manifest: doc ? { path: doc.path, line: doc.line, appliedAt: doc.appliedAt } : undefined,
      });
    }),
  );
}
