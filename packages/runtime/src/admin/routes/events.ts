// `/v1/events`: publish from outside (entry types only, schema-checked by the runtime), publish
// and wait for the first outcome of the listed types in the same correlation, the recent events
// this node observed, a live server-sent-events stream with filters, and the event types.
import { ErrorCode, closestMatch, uuidv7, type CloudEvent } from '@troupe/core';
import type { Request, Response, Router } from 'express';
import type { EventFilter } from '../event-feed.js';
import { HttpError, badRequest } from '../problem.js';
import type { EventTypeInfo } from '../type-index.js';
import {
  bodyObject,
  optionalString,
  queryInt,
  queryList,
  queryString,
  route,
  type AdminContext,
} from './common.js';

/** SSE comment sent this often so proxies keep the stream open. */
export const SSE_HEARTBEAT_MS = 15_000;

/** A stream whose unsent output exceeds this is closed: the client is not keeping up. */
const SSE_MAX_BUFFERED_BYTES = 1024 * 1024;

export interface EventRoutesOptions {
  /** The event types of the desired state (rebuilt on every apply). */
  readonly types: () => ReadonlyMap<string, EventTypeInfo>;
}

function unknownType(
  type: string,
  known: ReadonlyMap<string, EventTypeInfo>,
  field: string,
): HttpError {
  const guess = closestMatch(type, [...known.keys()]);
  return new HttpError(
    404,
    ErrorCode.NotFound,
    `unknown event type '${type}': no applied manifest declares, emits or consumes it${guess ? ` (did you mean '${guess}'?)` : ''}`,
    { kind: 'EventType', name: type, field },
  );
}

function waitTypes(
  body: Record<string, unknown>,
  known: ReadonlyMap<string, EventTypeInfo>,
): string[] | undefined {
  const raw = body.wait;
  if (raw === undefined || raw === null) return undefined;
  const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : raw;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((t) => typeof t === 'string' && t !== '')
  )
    throw badRequest('wait must be a non-empty array of event types', 'wait');
  for (const t of list as string[]) if (!known.has(t)) throw unknownType(t, known, 'wait');
  return list as string[];
}

function filterOf(req: Request): EventFilter {
  const types = queryList(req, 'type');
  const agent = queryString(req, 'agent');
  const correlationId = queryString(req, 'correlationId');
  return {
    ...(types ? { types } : {}),
    ...(agent ? { agent } : {}),
    ...(correlationId ? { correlationId } : {}),
  };
}

export function eventRoutes(r: Router, ctx: AdminContext, o: EventRoutesOptions): void {
  r.post(
    '/v1/events',
    route(async (req, res) => {
      const body = bodyObject(req);
      const type = body.type;
      if (typeof type !== 'string' || type === '')
        throw badRequest('type must be a non-empty string', 'type');
      const known = o.types();
      const info = known.get(type);
      if (!info) throw unknownType(type, known, 'type');
      if (!info.entry)
        throw new HttpError(
          403,
          ErrorCode.NotEntryType,
          `event type ${type} is not an entry type: only types whose EventType sets spec.entry: true may be published from outside`,
          { type },
        );
      const data = body.data === undefined ? {} : body.data;
      const correlationId = optionalString(body, 'correlationId');
      const subject = optionalString(body, 'subject');
      const publishOptions = {
        source: 'troupe://admin-api',
        ...(subject ? { subject } : {}),
      };
      const wait = waitTypes(body, known);
      if (wait === undefined) {
        const event = await ctx.runtime.publish(type, data, {
          ...publishOptions,
          ...(correlationId ? { correlationId } : {}),
        });
        res.status(202).json({ event });
        return;
      }
      const timeoutMs = body.timeoutMs === undefined ? ctx.defaultWaitMs : body.timeoutMs;
      if (
        typeof timeoutMs !== 'number' ||
        !Number.isInteger(timeoutMs) ||
        timeoutMs < 1 ||
        timeoutMs > ctx.maxWaitMs
      )
        throw badRequest(`timeoutMs must be an integer from 1 to ${ctx.maxWaitMs}`, 'timeoutMs');
      // Arm the wait before publishing (no race), and drop it if the client goes away.
      const cid = correlationId ?? uuidv7();
      const pending =
        ctx.feed.waitFor(cid, wait, timeoutMs) ?? (await ctx.runtime.waitFor(cid, wait, timeoutMs));
      const onClose = (): void => void pending.cancel();
      res.on('close', onClose);
      try {
        const request = await ctx.runtime.publish(type, data, {
          ...publishOptions,
          correlationId: cid,
        });
        const result = await pending.event;
        res.json({ request, result });
      } finally {
        res.off('close', onClose);
        await pending.cancel();
      }
    }),
  );

  r.get(
    '/v1/events',
    route((req, res) => {
      const limit = queryInt(req, 'limit', 100, 1, 100_000);
      res.json({ items: ctx.feed.recent(filterOf(req), limit) });
    }),
  );

  r.get(
    '/v1/event-types',
    route((_req, res) => {
      res.json({ items: [...o.types().values()] });
    }),
  );

  r.get(
    '/v1/events/stream',
    route((req, res) => {
      const filter = filterOf(req);
      const replay = queryInt(req, 'recent', 0, 0, 10_000);
      openStream(req, res, ctx, filter, replay);
    }),
  );
}

function openStream(
  req: Request,
  res: Response,
  ctx: AdminContext,
  filter: EventFilter,
  replay: number,
): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(`retry: 2000\n: troupe event stream ${JSON.stringify(filter)}\n\n`);
  const send = (e: CloudEvent): void => {
    if (res.writableLength > SSE_MAX_BUFFERED_BYTES) {
      ctx.log.warn('event stream: client too slow, closing', { path: req.path });
      res.end();
      return;
    }
    res.write(`id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`);
  };
  if (replay > 0) for (const e of ctx.feed.recent(filter, replay)) send(e);
  const unsubscribe = ctx.feed.subscribe(filter, send);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
  heartbeat.unref();
  ctx.streams.add(res);
  res.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    ctx.streams.delete(res);
  });
}
