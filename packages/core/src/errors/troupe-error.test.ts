// Errors: the classes and their fields, serialize / deserialize round trips (code, data, cause
// chain, retryable, class), non-Error throwables, structuredClone as postMessage does it, and
// errors from another copy of @troupe/core.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from './codes.js';
import {
  NonRetryableError,
  RetryAfterError,
  TroupeError,
  deserializeError,
  isRetryable,
  isTroupeError,
  serializeError,
} from './troupe-error.js';
import type { SerializedError } from './troupe-error.js';

/** What crosses a worker boundary: structured clone of the serialized form. */
const overPostMessage = (e: unknown): TroupeError =>
  deserializeError(structuredClone(serializeError(e)));
/** What crosses Redis / the DLQ: JSON text of the serialized form. */
const overJson = (e: unknown): TroupeError =>
  deserializeError(JSON.parse(JSON.stringify(serializeError(e))) as SerializedError);

describe('error classes', () => {
  it('TroupeError carries code, data, retryable (default true), cause', () => {
    const cause = new Error('root');
    const e = new TroupeError(ErrorCode.NotFound, 'no agent x', {
      data: { kind: 'agent', name: 'x' },
      cause,
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('TroupeError');
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('no agent x');
    expect(e.data).toEqual({ kind: 'agent', name: 'x' });
    expect(e.retryable).toBe(true);
    expect(e.cause).toBe(cause);
    expect(new TroupeError('X', 'm').data).toEqual({});
    expect('cause' in new TroupeError('X', 'm')).toBe(false);
  });

  it('NonRetryableError is not retryable whatever it is given', () => {
    const e = new NonRetryableError('bad', { retryable: true } as never);
    expect(e).toBeInstanceOf(TroupeError);
    expect(e.name).toBe('NonRetryableError');
    expect(e.code).toBe(ErrorCode.NonRetryable);
    expect(e.retryable).toBe(false);
    expect(isRetryable(e)).toBe(false);
  });

  it('RetryAfterError carries delayMs in a field and in data', () => {
    const e = new RetryAfterError(1500, undefined, { data: { status: 429 } });
    expect(e.name).toBe('RetryAfterError');
    expect(e.code).toBe(ErrorCode.RetryAfter);
    expect(e.delayMs).toBe(1500);
    expect(e.data).toEqual({ status: 429, delayMs: 1500 });
    expect(e.message).toBe('retry after 1500 ms');
    expect(e.retryable).toBe(true);
  });

  it.each([-1, Number.NaN, Infinity])('RetryAfterError rejects delayMs %s', (d) => {
    expect(() => new RetryAfterError(d)).toThrow(RangeError);
  });

  it('isRetryable: true for plain errors and throwables, false only when marked', () => {
    expect(isRetryable(new Error('x'))).toBe(true);
    expect(isRetryable('x')).toBe(true);
    expect(isRetryable(undefined)).toBe(true);
    expect(isRetryable(new TroupeError('X', 'm', { retryable: false }))).toBe(false);
  });
});

describe('serializeError', () => {
  it('keeps every field of a TroupeError as plain data', () => {
    const e = new TroupeError(ErrorCode.HopLimit, 'too many hops', {
      data: { hops: 33, maxHops: 32 },
      retryable: false,
    });
    const s = serializeError(e);
    expect(s).toEqual({
      name: 'TroupeError',
      code: 'HOP_LIMIT',
      message: 'too many hops',
      data: { hops: 33, maxHops: 32 },
      retryable: false,
      stack: e.stack,
    });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('a plain Error becomes HANDLER_FAILED, retryable, with its name', () => {
    const s = serializeError(new TypeError('oops'));
    expect(s).toMatchObject({ name: 'TypeError', code: 'HANDLER_FAILED', message: 'oops' });
    expect(s.retryable).toBe(true);
    expect(s.data).toEqual({});
    expect(s.stack).toContain('oops');
  });

  it.each([
    ['a string', 'a string'],
    [42, '42'],
    [null, 'null'],
    [undefined, 'undefined'],
    [{ reason: 'x' }, '{"reason":"x"}'],
    [10n, '10'],
    [Symbol('s'), 'Symbol(s)'],
  ])('a non-Error throwable %s becomes UNKNOWN with its text', (thrown, message) => {
    const s = serializeError(thrown);
    expect(s).toEqual({ name: 'Error', code: 'UNKNOWN', message, data: {}, retryable: true });
  });

  it('a circular non-Error throwable falls back to String()', () => {
    const o: Record<string, unknown> = {};
    o.self = o;
    expect(serializeError(o).message).toBe('[object Object]');
  });

  it('data that is not JSON-safe is replaced, never throws', () => {
    const data: Record<string, unknown> = { n: 1n };
    expect(serializeError(new TroupeError('X', 'm', { data })).data).toEqual({
      unserializable: true,
    });
    const dated = serializeError(new TroupeError('X', 'm', { data: { at: new Date(0) } }));
    expect(dated.data).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('serializes the cause chain, plain and Troupe causes alike', () => {
    const root = new Error('socket closed');
    const mid = new TroupeError(ErrorCode.TransportUnavailable, 'redis down', { cause: root });
    const top = new NonRetryableError('giving up', { cause: mid });
    const s = serializeError(top);
    expect(s.cause?.code).toBe('TRANSPORT_UNAVAILABLE');
    expect(s.cause?.cause).toMatchObject({ code: 'HANDLER_FAILED', message: 'socket closed' });
    expect(s.cause?.cause?.cause).toBeUndefined();
    expect(serializeError(new Error('x', { cause: 'why' })).cause).toMatchObject({
      code: 'UNKNOWN',
      message: 'why',
    });
  });

  it('stops a cyclic or very deep cause chain at 8 levels', () => {
    const a = new TroupeError('A', 'a');
    Object.defineProperty(a, 'cause', { value: a });
    let depth = 0;
    for (let s: SerializedError | undefined = serializeError(a); s; s = s.cause) depth++;
    expect(depth).toBe(9); // the error itself + 8 causes
  });
});

describe('deserializeError round trips', () => {
  for (const [name, cross] of [
    ['structuredClone (postMessage)', overPostMessage],
    ['JSON (Redis, DLQ)', overJson],
  ] as const) {
    describe(`through ${name}`, () => {
      it('keeps code, message, data, retryable, name and stack', () => {
        const e = new TroupeError(ErrorCode.SchemaInvalid, 'bad payload', {
          data: { type: 'T', errors: ['/q must be string'] },
          retryable: false,
        });
        const back = cross(e);
        expect(back).toBeInstanceOf(TroupeError);
        expect(back.code).toBe('SCHEMA_INVALID');
        expect(back.message).toBe('bad payload');
        expect(back.data).toEqual({ type: 'T', errors: ['/q must be string'] });
        expect(back.retryable).toBe(false);
        expect(back.name).toBe('TroupeError');
        expect(back.stack).toBe(e.stack);
      });

      it('NonRetryableError comes back as a NonRetryableError', () => {
        const back = cross(new NonRetryableError('no', { data: { row: 3 } }));
        expect(back).toBeInstanceOf(NonRetryableError);
        expect(back.retryable).toBe(false);
        expect(back.data).toEqual({ row: 3 });
      });

      it('RetryAfterError comes back as a RetryAfterError with its delay', () => {
        const back = cross(new RetryAfterError(2500, 'rate limited'));
        expect(back).toBeInstanceOf(RetryAfterError);
        expect((back as RetryAfterError).delayMs).toBe(2500);
        expect(back.message).toBe('rate limited');
        expect(back.retryable).toBe(true);
      });

      it('keeps the cause chain with classes', () => {
        const root = new RangeError('deep');
        const e = new TroupeError(ErrorCode.HandlerTimeout, 'slow', {
          data: { timeoutMs: 10 },
          cause: new NonRetryableError('mid', { cause: root }),
        });
        const back = cross(e);
        expect(back.cause).toBeInstanceOf(NonRetryableError);
        const mid = back.cause as TroupeError;
        expect(mid.message).toBe('mid');
        expect(mid.cause).toBeInstanceOf(TroupeError);
        expect((mid.cause as TroupeError).code).toBe('HANDLER_FAILED');
        expect((mid.cause as TroupeError).name).toBe('RangeError');
      });

      it('keeps a custom subclass name and code (no class registry needed)', () => {
        class SqlRefused extends TroupeError {
          constructor() {
            super('SQL_REFUSED', 'write refused', { retryable: false, data: { layer: 'guard' } });
            this.name = 'SqlRefusedError';
          }
        }
        const back = cross(new SqlRefused());
        expect(back.name).toBe('SqlRefusedError');
        expect(back.code).toBe('SQL_REFUSED');
        expect(back.retryable).toBe(false);
      });

      it('a plain Error and a thrown string come back as TroupeErrors', () => {
        const e = cross(new Error('plain'));
        expect(e.code).toBe('HANDLER_FAILED');
        expect(e.message).toBe('plain');
        const s = cross('just text');
        expect(s.code).toBe('UNKNOWN');
        expect(s.message).toBe('just text');
      });

      it('is stable: serialize(deserialize(s)) equals s', () => {
        const s = serializeError(
          new NonRetryableError('x', { data: { a: [1, 2] }, cause: new Error('c') }),
        );
        expect(serializeError(deserializeError(structuredClone(s)))).toEqual(s);
      });
    });
  }

  it('a raw TroupeError is not structured-clone safe: the reason serializeError exists', () => {
    const cloned = structuredClone(new NonRetryableError('x')) as unknown as Record<
      string,
      unknown
    >;
    expect(cloned.code).toBeUndefined();
    expect(cloned).not.toBeInstanceOf(TroupeError);
  });

  it('a RETRY_AFTER entry without a usable delay falls back to a TroupeError', () => {
    for (const delayMs of [undefined, -5, 'soon']) {
      const back = deserializeError({
        name: 'RetryAfterError',
        code: 'RETRY_AFTER',
        message: 'm',
        data: { delayMs },
        retryable: true,
      });
      expect(back).not.toBeInstanceOf(RetryAfterError);
      expect(back.code).toBe('RETRY_AFTER');
    }
  });

  it('tolerates a serialized error without data', () => {
    const back = deserializeError({
      name: 'Error',
      code: 'RETRY_AFTER',
      message: 'm',
      retryable: true,
    } as unknown as SerializedError);
    expect(back.data).toEqual({});
  });
});

describe('errors from another copy of @troupe/core', () => {
  /** Mimics a TroupeError class loaded from a second module instance (brand, no instanceof). */
  class ForeignTroupeError extends Error {
    readonly code = ErrorCode.NonRetryable;
    readonly data = { from: 'copy' };
    readonly retryable = false;
  }
  Object.defineProperty(ForeignTroupeError.prototype, Symbol.for('troupe.dev/TroupeError'), {
    value: true,
  });

  it('are recognised by the brand and serialized with their code', () => {
    const e = new ForeignTroupeError('foreign');
    expect(e).not.toBeInstanceOf(TroupeError);
    expect(isTroupeError(e)).toBe(true);
    expect(isRetryable(e)).toBe(false);
    const back = deserializeError(serializeError(e));
    expect(back).toBeInstanceOf(NonRetryableError);
    expect(back.data).toEqual({ from: 'copy' });
  });

  it('an unbranded older copy is recognised by its shape', () => {
    const e = Object.assign(new Error('old'), {
      code: 'RETRY_AFTER',
      retryable: true,
      data: { delayMs: 9 },
    });
    expect(isTroupeError(e)).toBe(true);
    const back = deserializeError(serializeError(e));
    expect(back).toBeInstanceOf(RetryAfterError);
    expect((back as RetryAfterError).delayMs).toBe(9);
  });

  it('Node system errors (code but no retryable) stay plain errors', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(isTroupeError(e)).toBe(false);
    expect(serializeError(e).code).toBe('HANDLER_FAILED');
    expect(isTroupeError('x')).toBe(false);
    expect(isTroupeError(null)).toBe(false);
    expect(isTroupeError({ code: 'X', retryable: true })).toBe(false);
  });

  it('the brand is on every TroupeError, not enumerable', () => {
    const e = new TroupeError('X', 'm');
    expect(isTroupeError(e)).toBe(true);
    expect(Object.getOwnPropertySymbols(e)).toEqual([]);
  });
});
