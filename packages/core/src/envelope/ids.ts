// Event ids. Events entering the system get a UUIDv7 (time-ordered, so archives and streams sort
// by age); events emitted by a handler get a deterministic id derived from (input id, agent,
// emission index), so a handler re-run after a crash re-emits the same ids and consumers dedupe.
import { hash, randomFillSync } from 'node:crypto';

// Random bytes come from a pooled buffer refilled 4 KiB at a time (as crypto.randomUUID does):
// one randomBytes() call per id cost ~16x more, on every event that enters the system.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** Offset in `pool` of `n` fresh random bytes (each byte is handed out once). */
function takeRandom(n: number): number {
  if (poolOffset + n > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += n;
  return at;
}

// A UUIDv7 is assembled here (no per-id Buffer: ids are minted for every entering event).
const scratch = Buffer.alloc(16);

let lastMs = 0;
let seq = 0;

function format(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter that keeps ids minted
 * in the same millisecond by this process strictly increasing, then random bits.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  // Whole milliseconds: a fractional clock (performance.timeOrigin + now()) would otherwise
  // reset the counter inside one encoded millisecond and break the ordering.
  const ms = Math.floor(nowMs);
  if (ms > lastMs) {
    lastMs = ms;
    seq = 0;
  } else {
    seq++;
    if (seq > 0xfff) {
      // Counter exhausted inside one millisecond: borrow the next millisecond (stays monotonic).
      lastMs++;
      seq = 0;
    }
  }
  const b = scratch;
  const at = takeRandom(16);
  for (let i = 0; i < 16; i++) b[i] = pool[at + i]!;
  const t = lastMs;
  b[0] = Math.floor(t / 2 ** 40) & 0xff;
  b[1] = Math.floor(t / 2 ** 32) & 0xff;
  b[2] = (t >>> 24) & 0xff;
  b[3] = (t >>> 16) & 0xff;
  b[4] = (t >>> 8) & 0xff;
  b[5] = t & 0xff;
  b[6] = 0x70 | ((seq >>> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  return format(b);
}

/** SHA-256 (hex) of the parts, each length-prefixed so ('ab','c') and ('a','bc') differ. */
function digestHex(parts: readonly (string | number)[]): string {
  // One string and a one-shot hash: the same digest as updating a Hash part by part (the
  // concatenation is what gets hashed), at ~2/3 of the cost and one allocation less per part.
  let text = '';
  for (const p of parts) {
    const s = String(p);
    text += `${s.length}:${s};`;
  }
  return hash('sha256', text, 'hex');
}

const VARIANT_10 = '89ab89ab89ab89ab';

/** The first 16 bytes of a hex digest as a UUID with version 8 and variant 10 set. */
function uuidV8(h: string): string {
  // Byte 6: high nibble = version 8. Byte 8: top two bits = 10 (hex digit 8, 9, a or b).
  const variant = VARIANT_10[parseInt(h[16]!, 16)]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A deterministic UUID (version 8, RFC 9562 "custom") from SHA-256 of the parts. The same
 * parts always give the same id; different parts collide with negligible probability.
 */
export function deterministicId(...parts: readonly (string | number)[]): string {
  return uuidV8(digestHex(parts));
}

/**
 * A deterministic id as `deterministicId(...parts)` and, from the same digest (bytes 16–23, not
 * part of the id), a 16-hex span id: one hash per derived event instead of two.
 */
export function deterministicIdAndSpan(...parts: readonly (string | number)[]): {
  id: string;
  span: string;
} {
  const h = digestHex(parts);
  return { id: uuidV8(h), span: h.slice(32, 48) };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** True for a lowercase RFC 9562 UUID string (any version). */
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** Random hex of `bytes` bytes (trace and span ids). */
export function randomHex(bytes: number): string {
  const at = takeRandom(bytes);
  return pool.toString('hex', at, at + bytes);
}

/** Deterministic hex of `bytes` bytes from the parts (span ids of derived events). */
export function deterministicHex(bytes: number, ...parts: readonly (string | number)[]): string {
  return digestHex(parts).slice(0, 2 * bytes);
}
