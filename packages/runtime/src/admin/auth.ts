// Bearer-token authentication of the admin API. The token is compared in constant time: both
// sides are hashed (SHA-256, so lengths match) and compared with `timingSafeEqual`, so neither
// the token's content nor its length leaks through response timing. A node listening beyond
// loopback without a token is refused at start (see `server.ts`); on loopback the token is
// optional, like kubectl's local proxy.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { ErrorCode } from '@troupe/core';
import type { RequestHandler } from 'express';
import { HttpError } from './problem.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** True when `presented` equals `expected`, in time independent of both values. */
export function tokensMatch(expected: string, presented: string): boolean {
  return timingSafeEqual(digest(expected), digest(presented));
}

/** True for hosts only this machine can reach: `localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return isLoopbackHost(h.slice('::ffff:'.length));
  return false;
}

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}

/**
 * Middleware: with a `token`, every request must carry `Authorization: Bearer <token>`; paths in
 * `open` (exact match) pass without it. Without a token it lets everything through.
 */
export function bearerAuth(token: string | undefined, open: readonly string[]): RequestHandler {
  const unprotected = new Set(open);
  return (req, res, next) => {
    if (token === undefined || unprotected.has(req.path)) {
      next();
      return;
    }
    const presented = bearerOf(req.get('authorization'));
    if (presented !== undefined && tokensMatch(token, presented)) {
      next();
      return;
    }
    res.set('WWW-Authenticate', 'Bearer realm="troupe"');
    next(
      new HttpError(
        401,
        ErrorCode.Unauthorized,
        presented === undefined
          ? 'missing bearer token: send Authorization: Bearer <TROUPE_TOKEN>'
          : 'wrong bearer token',
      ),
    );
  };
}
