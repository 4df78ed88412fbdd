// Ids: UUIDv7 layout (timestamp, version 7, variant), strict monotonicity within a millisecond,
// across many calls and when the clock steps back; deterministic v8 ids stable and distinct.
// Each test loads a fresh copy of the module: the v7 counter is module state.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as IdsModule from './ids.js';

type Ids = typeof IdsModule;
let ids: Ids;

beforeEach(async () => {
  vi.resetModules();
  ids = await import('./ids.js');
});

const tsOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
const counterOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(13, 16), 16);

function expectStrictlyIncreasing(list: readonly string[]): void {
  for (let i = 1; i < list.length; i++) {
    if (!(list[i - 1]! < list[i]!))
      throw new Error(`not increasing at ${i}: ${list[i - 1]} !< ${list[i]}`);
  }
}

describe('uuidv7', () => {
  it('is a lowercase RFC 9562 UUID with version 7 and variant 10', () => {
    for (let i = 0; i < 200; i++) {
      const id = ids.uuidv7();
      expect(ids.isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
  });

  it('encodes the millisecond timestamp in the first 48 bits', () => {
    expect(tsOf(ids.uuidv7(0x0123456789ab))).toBe(0x0123456789ab);
    expect(ids.uuidv7(0x0123456789ab + 1).startsWith('01234567-89ac-7')).toBe(true);
  });

  it('defaults to the real clock', () => {
    const before = Date.now();
    const id = ids.uuidv7();
    expect(tsOf(id)).toBeGreaterThanOrEqual(before);
    expect(tsOf(id)).toBeLessThanOrEqual(Date.now());
  });

  it('is strictly increasing within one millisecond (12-bit counter)', () => {
    const t = 1_700_000_000_000;
    const list = Array.from({ length: 4096 }, () => ids.uuidv7(t));
    expectStrictlyIncreasing(list);
    expect(new Set(list.map(tsOf))).toEqual(new Set([t]));
    expect(counterOf(list[0]!)).toBe(0);
    expect(counterOf(list[4095]!)).toBe(4095);
  });

  it('borrows the next millisecond when the counter is exhausted, and stays ordered', () => {
    const t = 1_700_000_000_000;
    const list = Array.from({ length: 5000 }, () => ids.uuidv7(t));
    expectStrictlyIncreasing(list);
    expect(tsOf(list[4096]!)).toBe(t + 1);
    expect(counterOf(list[4096]!)).toBe(0);
    // The real clock reaching t + 1 continues after the borrowed ids.
    const next = ids.uuidv7(t + 1);
    expect(next > list[4999]!).toBe(true);
  });

  it('is strictly increasing and unique across many calls on the real clock', () => {
    const list = Array.from({ length: 20_000 }, () => ids.uuidv7());
    expectStrictlyIncreasing(list);
    expect(new Set(list).size).toBe(list.length);
  });

  it('stays increasing when the clock steps back', () => {
    const a = ids.uuidv7(2_000_000);
    const b = ids.uuidv7(1_000_000);
    const c = ids.uuidv7(1_500_000);
    expectStrictlyIncreasing([a, b, c]);
    expect(tsOf(b)).toBe(2_000_000);
  });

  it('treats a fractional clock as whole milliseconds', () => {
    const list = [1000.1, 1000.5, 1000.9, 1001.2].map((t) => ids.uuidv7(t));
    expectStrictlyIncreasing(list);
    expect(list.map(tsOf)).toEqual([1000, 1000, 1000, 1001]);
    expect(list.map(counterOf)).toEqual([0, 1, 2, 0]);
  });
});

describe('deterministicId', () => {
  it('is stable for the same parts', () => {
    expect(ids.deterministicId('evt-1', 'agent', 0)).toBe(ids.deterministicId('evt-1', 'agent', 0));
  });

  it('is a version 8 UUID with variant 10', () => {
    const id = ids.deterministicId('x');
    expect(ids.isUuid(id)).toBe(true);
    expect(id[14]).toBe('8');
    expect('89ab').toContain(id[19]);
  });

  it('differs when any part differs, including by how parts are split', () => {
    const all = [
      ids.deterministicId('evt-1', 'agent', 0),
      ids.deterministicId('evt-1', 'agent', 1),
      ids.deterministicId('evt-1', 'agent2', 0),
      ids.deterministicId('evt-2', 'agent', 0),
      ids.deterministicId('ab', 'c'),
      ids.deterministicId('a', 'bc'),
      ids.deterministicId('abc'),
      ids.deterministicId(),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it('has no collisions over many emission indexes', () => {
    const list = Array.from({ length: 10_000 }, (_, i) => ids.deterministicId('evt', 'a', i));
    expect(new Set(list).size).toBe(list.length);
  });

  it('does not depend on process state (same id from a fresh module)', async () => {
    const before = ids.deterministicId('evt-1', 'agent', 3);
    vi.resetModules();
    const fresh = await import('./ids.js');
    expect(fresh.deterministicId('evt-1', 'agent', 3)).toBe(before);
  });

  it('numbers and their string form are the same part', () => {
    expect(ids.deterministicId('e', 1)).toBe(ids.deterministicId('e', '1'));
  });
});

describe('isUuid', () => {
  it.each([
    ['01890a5d-ac96-774b-bcce-b302099a8057', true],
    ['01890A5D-AC96-774B-BCCE-B302099A8057', false], // uppercase
    ['01890a5d-ac96-774b-7cce-b302099a8057', false], // variant 0
    ['01890a5d-ac96-774b-bcce-b302099a805', false],
    ['not-a-uuid', false],
    ['', false],
  ])('%s → %s', (s, ok) => {
    expect(ids.isUuid(s)).toBe(ok);
  });
});

describe('deterministic ids are pinned across versions', () => {
  // Values of the original createHash-per-part implementation: a node that re-runs a handler
  // after an upgrade must re-emit the ids an older node emitted, or consumers cannot dedupe.
  it('deterministicId gives the same ids as before', () => {
    expect(ids.deterministicId('evt-1', 'agent', 0)).toBe('61864c1e-5f47-84fd-a5c2-e2c55136111a');
    expect(ids.deterministicId()).toBe('e3b0c442-98fc-8c14-9afb-f4c8996fb924');
    expect(ids.deterministicId('é', 12345)).toBe('b89150aa-4be5-8619-950f-a79f4e93d4bd');
  });

  it('deterministicIdAndSpan: the same id, and a span id from the rest of the digest', () => {
    const { id, span } = ids.deterministicIdAndSpan('evt-1', 'agent', 0);
    expect(id).toBe(ids.deterministicId('evt-1', 'agent', 0));
    expect(span).toMatch(/^[0-9a-f]{16}$/);
    // Bytes 16-23 of SHA-256("5:evt-1;5:agent;1:0;"), none of which is in the id.
    expect(span).toBe(ids.deterministicHex(24, 'evt-1', 'agent', 0).slice(32));
    expect(ids.deterministicIdAndSpan('evt-1', 'agent', 1).span).not.toBe(span);
  });

  it('sets version 8 and variant 10 whatever the digest nibbles are', () => {
    const variants = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = ids.deterministicId('v', i);
      expect(id[14]).toBe('8');
      variants.add(id[19]!);
    }
    expect([...variants].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});
