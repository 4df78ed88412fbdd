// Payload size cap: an event whose JSON envelope exceeds `maxPayloadBytes` goes to the DLQ
// (`oversized`) at once; retrying cannot make it smaller.
import { ErrorCode, type CloudEvent } from '@troupe/core';
import { reject, type Rejection } from './rejection.js';

/** UTF-8 bytes of the event's JSON form. */
export function eventBytes(event: CloudEvent): number {
  return Buffer.byteLength(JSON.stringify(event), 'utf8');
}

export function checkSize(event: CloudEvent, maxBytes: number): Rejection | undefined {
  const bytes = eventBytes(event);
  if (bytes <= maxBytes) return undefined;
  return reject(
    'oversized',
    ErrorCode.PayloadTooLarge,
    `event ${event.id} (${event.type}) is ${bytes} bytes, over the ${maxBytes}-byte limit`,
    { bytes, limit: maxBytes },
  );
}
