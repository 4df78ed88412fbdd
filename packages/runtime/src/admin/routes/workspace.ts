// `/v1/workspace`: read access to the shared workspace: one entry by scope and key, and search
// (text, tags; one scope or every scope). Writes stay with the agents. A node started without a
// workspace store answers 501.
import { ErrorCode } from '@troupe/core';
import type { Router } from 'express';
import { ALL_SCOPES, type WorkspaceStore } from '../../workspace/contract.js';
import { HttpError, notFound } from '../problem.js';
import { param, queryInt, queryList, queryString, route, type AdminContext } from './common.js';

function store(ctx: AdminContext): WorkspaceStore {
  if (!ctx.workspace)
    throw new HttpError(
      501,
      ErrorCode.InvalidOption,
      'this node has no workspace store configured',
      {
        field: 'workspace',
      },
    );
  return ctx.workspace;
}

export function workspaceRoutes(r: Router, ctx: AdminContext): void {
  r.get(
    '/v1/workspace',
    route(async (req, res) => {
      const scope = queryString(req, 'scope') ?? ALL_SCOPES;
      const text = queryString(req, 'text');
      const tags = queryList(req, 'tags');
      const limit = queryInt(req, 'limit', 100, 1, 10_000);
      const items = await store(ctx).search(scope, {
        limit,
        ...(text ? { text } : {}),
        ...(tags ? { tags } : {}),
      });
      res.json({ items });
    }),
  );

  r.get(
    '/v1/workspace/:scope/:key',
    route(async (req, res) => {
      const scope = param(req, 'scope');
      const key = param(req, 'key');
      const entry = await store(ctx).get(scope, key);
      if (!entry) throw notFound('workspace entry', `${scope}/${key}`);
      res.json(entry);
    }),
  );
}
