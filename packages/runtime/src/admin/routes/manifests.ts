// `/v1/manifests`: the node's desired state. POST applies posted files (`?dryRun=true` only
// validates and reports), POST `/diff` shows what an apply would change, GET lists or shows one
// document, DELETE removes one (`?force=true` skips the analysis of what remains).
import type { Router } from 'express';
import type { ManifestFile } from '../control-plane.js';
import { canonicalKind } from '../kinds.js';
import { badRequest, notFound } from '../problem.js';
import { bodyObject, param, queryFlag, queryString, route, type AdminContext } from './common.js';

/** `{ files: [{ path, text }] }`, or a single `{ path, text }`. */
function filesOf(body: Record<string, unknown>): ManifestFile[] {
  if (body.files === undefined) {
    if (typeof body.text === 'string' && typeof body.path === 'string')
      return [{ path: body.path, text: body.text }];
    throw badRequest('body must hold files: [{ path, text }]', 'files');
  }
  if (!Array.isArray(body.files))
    throw badRequest('files must be an array of { path, text }', 'files');
  return body.files.map((f: unknown, i) => {
    if (f === null || typeof f !== 'object')
      throw badRequest(`files[${i}] must be an object { path, text }`, `files[${i}]`);
    const { path, text } = f as Record<string, unknown>;
    if (typeof path !== 'string')
      throw badRequest(`files[${i}].path must be a string`, `files[${i}].path`);
    if (typeof text !== 'string')
      throw badRequest(`files[${i}].text must be a string`, `files[${i}].text`);
    return { path, text };
  });
}

export function manifestRoutes(r: Router, ctx: AdminContext): void {
  r.get(
    '/v1/manifests',
    route((req, res) => {
      const kindQuery = queryString(req, 'kind');
      const kind = kindQuery === undefined ? undefined : canonicalKind(kindQuery);
      if (kindQuery !== undefined && kind === undefined)
        throw badRequest(`unknown kind '${kindQuery}'`, 'kind');
      const items = ctx.control.list().filter((d) => kind === undefined || d.kind === kind);
      res.json({ items });
    }),
  );

  r.get(
    '/v1/manifests/:kind/:name',
    route((req, res) => {
      const kind = param(req, 'kind');
      const name = param(req, 'name');
      const doc = ctx.control.get(kind, name);
      if (!doc) throw notFound(canonicalKind(kind) ?? kind, name, ' in the applied manifests');
      res.json(doc);
    }),
  );

  r.post(
    '/v1/manifests',
    route(async (req, res) => {
      const files = filesOf(bodyObject(req));
      const outcome = await ctx.control.apply(files, { dryRun: queryFlag(req, 'dryRun') });
      res.json(outcome);
    }),
  );

  r.post(
    '/v1/manifests/diff',
    route(async (req, res) => {
      const { changes, diagnostics } = await ctx.control.diff(filesOf(bodyObject(req)));
      res.json({ changed: changes.some((c) => c.action !== 'unchanged'), changes, diagnostics });
    }),
  );

  r.delete(
    '/v1/manifests/:kind/:name',
    route(async (req, res) => {
      const result = await ctx.control.delete(param(req, 'kind'), param(req, 'name'), {
        force: queryFlag(req, 'force'),
      });
      res.json(result);
    }),
  );
}
