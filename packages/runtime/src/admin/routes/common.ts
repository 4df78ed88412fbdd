// What every route module shares: the context the routes read (runtime, desired state, event
// feed, metrics, optional stores), an adapter that forwards async failures to the problem
// handler, and input readers that name the field at fault in a 400.
import { ErrorCode, type CloudEvent, type Logger } from '@troupe/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Runtime } from '../../node/runtime.js';
import type { WorkspaceStore } from '../../workspace/contract.js';
import type { ControlPlane } from '../control-plane.js';
import type { EventFeed } from '../event-feed.js';
import type { AdminMetrics } from '../metrics.js';
import { HttpError, badRequest } from '../problem.js';

/** The causal tree of a correlation, as the trace provider returns it (any JSON). */
export type TraceProvider = (correlationId: string) => Promise<unknown>;

/** A named readiness check: resolves when the dependency is reachable, rejects otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

export interface AdminContext {
  readonly runtime: Runtime;
  readonly control: ControlPlane;
  readonly feed: EventFeed;
  readonly metrics: AdminMetrics;
  readonly workspace: WorkspaceStore | undefined;
  readonly traces: TraceProvider | undefined;
  readonly readiness: Readonly<Record<string, ReadinessCheck>>;
  /** Longest `timeoutMs` a publish-and-wait may ask for. */
  readonly maxWaitMs: number;
  /** Default `timeoutMs` of a publish-and-wait. */
  readonly defaultWaitMs: number;
  readonly log: Logger;
  /** Open SSE responses, ended when the server closes. */
  readonly streams: Set<Response>;
  /** Events this node saw recently (for traces before the archive exists). */
  readonly recent: (correlationId: string) => CloudEvent[];
}

/** A route whose throw or rejection goes to the problem handler. */
export function route(fn: (req: Request, res: Response) => Promise<void> | void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      const result = fn(req, res);
      if (result instanceof Promise) result.catch(next);
    } catch (err) {
      next(err);
    }
  };
}

/** The JSON object body of a request, or a 400 that says what is wrong. */
export function bodyObject(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined)
    throw new HttpError(
      415,
      ErrorCode.BadRequest,
      'expected a JSON body with Content-Type: application/json',
      { field: 'body' },
    );
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('request body must be a JSON object', 'body');
  return body as Record<string, unknown>;
}

/** A single query parameter as a string (first value when repeated). */
export function queryString(req: Request, name: string): string | undefined {
  const v: unknown = req.query[name];
  const first: unknown = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return undefined;
  if (typeof first !== 'string') throw badRequest(`query parameter ${name} must be a string`, name);
  return first;
}

/** A list query parameter: repeated (`?type=a&type=b`) and/or comma-separated (`?type=a,b`). */
export function queryList(req: Request, name: string): string[] | undefined {
  const v: unknown = req.query[name];
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v : [v]).flatMap((x: unknown) => {
    if (typeof x !== 'string') throw badRequest(`query parameter ${name} must be a string`, name);
    return x.split(',');
  });
  const list = items.map((s) => s.trim()).filter((s) => s !== '');
  return list.length > 0 ? list : undefined;
}

/** An integer query parameter within [min, max], or `fallback` when absent. */
export function queryInt(
  req: Request,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = queryString(req, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw badRequest(
      `query parameter ${name} must be an integer from ${min} to ${max}, got '${raw}'`,
      name,
    );
  return n;
}

/** A boolean query flag: `?dryRun`, `?dryRun=true|1` are true; absent, `false`, `0` are false. */
export function queryFlag(req: Request, name: string): boolean {
  const raw = queryString(req, name);
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === '' || raw === 'true' || raw === '1') return true;
  throw badRequest(`query parameter ${name} must be true or false, got '${raw}'`, name);
}

/** An optional string field of a body. */
export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '')
    throw badRequest(`${field} must be a non-empty string`, field);
  return v;
}

/** An express route parameter (always present on the routes that declare it). */
export function param(req: Request, name: string): string {
  const v = (req.params as Record<string, string | undefined>)[name];
  if (v === undefined || v === '') throw badRequest(`missing path parameter ${name}`, name);
  return v;
}
