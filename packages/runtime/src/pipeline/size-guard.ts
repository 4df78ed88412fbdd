// Payload size cap: an event whose JSON envelope exceeds `maxPayloadBytes` goes to the DLQ
// (`oversized`) at once; retrying cannot make it smaller.
import { ErrorCode, type CloudEvent } from '@troupe/core';
import { reject, type Rejection } from './rejection.js';

/** UTF-8 bytes of the event's JSON form. */
export function eventBytes(event: CloudEvent): number {
  return Buffer.byteLength(JSON.stringify(event), 'utf8');
}

/**
 * An upper bound of the UTF-8 bytes of `value`'s JSON form, or Infinity once it passes
 * `limit` (or for anything it cannot bound: `toJSON`, bigint). A string costs at most 6 bytes
 * per UTF-16 unit (a `\u00XX` escape; a non-ASCII unit is ≤ 3 bytes), a number at most 24.
 * ~10× cheaper than serializing: the memory transport never serializes an event otherwise.
 */
// One stack for every call (the walk is synchronous); emptied before returning.
const stack: unknown[] = [];

export function jsonBytesBound(value: unknown, limit: number): number {
  stack.length = 0;
  const total = walk(value, limit);
  stack.length = 0;
  return total;
}

function walk(value: unknown, limit: number): number {
  let total = 0;
  stack.push(value);
  while (stack.length > 0) {
    const v = stack.pop();
    switch (typeof v) {
      case 'string':
        total += 2 + 6 * v.length;
        break;
      case 'number':
        total += 24;
        break;
      case 'object':
        if (v === null) total += 4;
        else if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return Infinity;
        else if (Array.isArray(v)) {
          total += 2 + v.length;
          for (let i = 0; i < v.length; i++) stack.push(v[i]);
        } else {
          total += 2;
          const o = v as Record<string, unknown>;
          for (const k in o) {
            if (!Object.hasOwn(o, k)) continue;
            total += 4 + 6 * k.length;
            stack.push(o[k]);
          }
        }
        break;
      case 'bigint':
        return Infinity;
      default:
        // boolean, or omitted by JSON (undefined, function, symbol).
        total += 5;
    }
    if (total > limit) return Infinity;
  }
  return total;
}

export function checkSize(event: CloudEvent, maxBytes: number): Rejection | undefined {
  // Only an event that may be over the limit pays for the exact measure.
  if (jsonBytesBound(event, maxBytes) <= maxBytes) return undefined;
  const bytes = eventBytes(event);
  if (bytes <= maxBytes) return undefined;
  return reject(
    'oversized',
    ErrorCode.PayloadTooLarge,
    `event ${event.id} (${event.type}) is ${bytes} bytes, over the ${maxBytes}-byte limit`,
    { bytes, limit: maxBytes },
  );
}
