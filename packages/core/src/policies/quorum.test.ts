// Quorum: every policy at n=1, n=2 and larger n, the `possible` verdict, and validation
// messages that name the field.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors/codes.js';
import { TroupeError } from '../errors/troupe-error.js';
import type { QuorumSpec } from '../manifest/types.js';
import { evaluateQuorum, resolveQuorum } from './quorum.js';

const C4 = ['sec', 'style', 'cov', 'docs'];
const set = (...t: string[]): ReadonlySet<string> => new Set(t);

/** The smallest number of arrivals (in collect order) that meets the quorum. */
function needed(spec: QuorumSpec | undefined, collect: string[]): number {
  const q = resolveQuorum(spec, collect);
  for (let k = 0; k <= collect.length; k++)
    if (evaluateQuorum(q, new Set(collect.slice(0, k))).met) return k;
  return Infinity;
}

describe('resolveQuorum policies', () => {
  it('defaults to all', () => {
    const q = resolveQuorum(undefined, C4);
    expect(q.policy).toBe('all');
    expect(q.need).toBe(4);
    expect(q.weights).toEqual({ sec: 1, style: 1, cov: 1, docs: 1 });
  });

  it.each([
    // policy, n=1, n=2, n=3, n=4, n=5
    ['all', [1, 2, 3, 4, 5]],
    ['majority', [1, 2, 2, 3, 3]],
    ['allMinusOne', [1, 1, 2, 3, 4]],
  ] as const)('%s needs the right count for n = 1..5', (policy, expected) => {
    const got = [1, 2, 3, 4, 5].map((n) =>
      needed(
        { policy },
        Array.from({ length: n }, (_, i) => `t${i}`),
      ),
    );
    expect(got).toEqual(expected);
  });

  it('count N needs exactly N, at n=1, n=2 and n=4', () => {
    expect(needed({ policy: 'count', count: 1 }, ['a'])).toBe(1);
    expect(needed({ policy: 'count', count: 1 }, ['a', 'b'])).toBe(1);
    expect(needed({ policy: 'count', count: 2 }, ['a', 'b'])).toBe(2);
    expect(needed({ policy: 'count', count: 3 }, C4)).toBe(3);
  });

  it('deduplicates collect', () => {
    const q = resolveQuorum({ policy: 'all' }, ['a', 'b', 'a']);
    expect(q.collect).toEqual(['a', 'b']);
    expect(q.need).toBe(2);
  });
});

describe('evaluateQuorum', () => {
  it('reports have, need and missing in collect order', () => {
    const q = resolveQuorum({ policy: 'count', count: 3 }, C4);
    expect(evaluateQuorum(q, set('docs', 'sec'))).toEqual({
      met: false,
      possible: true,
      have: 2,
      need: 3,
      missing: ['style', 'cov'],
    });
    expect(evaluateQuorum(q, set('docs', 'sec', 'cov'))).toMatchObject({
      met: true,
      have: 3,
      missing: ['style'],
    });
  });

  it('ignores arrived types that are not collected', () => {
    const q = resolveQuorum({ policy: 'all' }, ['a', 'b']);
    expect(evaluateQuorum(q, set('a', 'x', 'y'))).toMatchObject({ met: false, have: 1 });
  });

  it('nothing arrived: not met, possible', () => {
    for (const spec of [undefined, { policy: 'majority' as const }]) {
      const q = resolveQuorum(spec, ['a']);
      expect(evaluateQuorum(q, set())).toEqual({
        met: false,
        possible: true,
        have: 0,
        need: 1,
        missing: ['a'],
      });
    }
  });

  it('possible turns false once the ruled-out types make the quorum unreachable', () => {
    const all = resolveQuorum({ policy: 'all' }, ['a', 'b']);
    expect(evaluateQuorum(all, set('a'), set('b'))).toMatchObject({ met: false, possible: false });

    const count = resolveQuorum({ policy: 'count', count: 3 }, C4);
    expect(evaluateQuorum(count, set('sec'), set('style'))).toMatchObject({ possible: true });
    expect(evaluateQuorum(count, set('sec'), set('style', 'cov'))).toMatchObject({
      possible: false,
      missing: ['style', 'cov', 'docs'],
    });

    const minus1 = resolveQuorum({ policy: 'allMinusOne' }, ['a', 'b']);
    expect(evaluateQuorum(minus1, set(), set('a'))).toMatchObject({ possible: true });
    expect(evaluateQuorum(minus1, set(), set('a', 'b'))).toMatchObject({ possible: false });
  });

  it('a met quorum stays possible even with ruled-out types, and an arrived type counts', () => {
    const q = resolveQuorum({ policy: 'majority' }, ['a', 'b', 'c']);
    expect(evaluateQuorum(q, set('a', 'b'), set('c', 'a'))).toMatchObject({
      met: true,
      possible: true,
      have: 2,
    });
  });

  it('weighted: sum of arrived weights against the threshold; unlisted types weigh 1', () => {
    const q = resolveQuorum({ policy: 'weighted', weights: { sec: 3, cov: 2 }, threshold: 4 }, C4);
    expect(q.weights).toEqual({ sec: 3, style: 1, cov: 2, docs: 1 });
    expect(evaluateQuorum(q, set('sec'))).toMatchObject({ met: false, have: 3, need: 4 });
    expect(evaluateQuorum(q, set('sec', 'docs'))).toMatchObject({ met: true, have: 4 });
    expect(evaluateQuorum(q, set('style', 'cov', 'docs'))).toMatchObject({ met: true, have: 4 });
    expect(evaluateQuorum(q, set('style', 'cov'))).toMatchObject({ met: false, have: 3 });
    // Without sec (3), the others weigh 4: still possible; without sec and docs, not.
    expect(evaluateQuorum(q, set(), set('sec'))).toMatchObject({ possible: true });
    expect(evaluateQuorum(q, set(), set('sec', 'docs'))).toMatchObject({ possible: false });
  });

  it('weighted at n=1 and n=2, with decimal weights summing exactly to the threshold', () => {
    const one = resolveQuorum({ policy: 'weighted', weights: { a: 0.5 }, threshold: 0.5 }, ['a']);
    expect(evaluateQuorum(one, set())).toMatchObject({ met: false, possible: true });
    expect(evaluateQuorum(one, set('a'))).toMatchObject({ met: true });
    const two = resolveQuorum({ policy: 'weighted', weights: { a: 0.1, b: 0.2 }, threshold: 0.3 }, [
      'a',
      'b',
    ]);
    expect(evaluateQuorum(two, set('a'))).toMatchObject({ met: false });
    expect(evaluateQuorum(two, set('a', 'b'))).toMatchObject({ met: true });
  });

  it('weighted without weights is a plain count threshold', () => {
    const q = resolveQuorum({ policy: 'weighted', threshold: 2 }, ['a', 'b', 'c']);
    expect(evaluateQuorum(q, set('c', 'a'))).toMatchObject({ met: true, have: 2 });
  });
});

describe('resolveQuorum validation', () => {
  it.each([
    [
      { policy: 'most' },
      'spec.quorum.policy must be one of all, majority, allMinusOne, count, weighted (got "most")',
    ],
    [{ policy: 'count' }, 'spec.quorum.count is required with policy count'],
    [
      { policy: 'count', count: 0 },
      'spec.quorum.count must be between 1 and 4 (the number of collected types)',
    ],
    [
      { policy: 'count', count: 5 },
      'spec.quorum.count must be between 1 and 4 (the number of collected types)',
    ],
    [{ policy: 'count', count: 2.5 }, 'spec.quorum.count must be an integer'],
    [
      { policy: 'all', count: 2 },
      'spec.quorum.count is only used with policy count (policy is all)',
    ],
    [
      { policy: 'count', count: 2, threshold: 1 },
      'spec.quorum.threshold is only used with policy weighted (policy is count)',
    ],
    [
      { policy: 'majority', weights: { sec: 2 } },
      'spec.quorum.weights is only used with policy weighted (policy is majority)',
    ],
    [{ policy: 'weighted' }, 'spec.quorum.threshold is required with policy weighted'],
    [{ policy: 'weighted', threshold: 0 }, 'spec.quorum.threshold must be a number > 0'],
    [
      { policy: 'weighted', threshold: 5 },
      'spec.quorum.threshold must be <= the total weight of the collected types (4)',
    ],
    [
      { policy: 'weighted', weights: { sec: 2 }, threshold: 5.5 },
      'spec.quorum.threshold must be <= the total weight of the collected types (5)',
    ],
    [
      { policy: 'weighted', weights: { lint: 2 }, threshold: 1 },
      'spec.quorum.weights.lint: lint is not a collected type (collect: sec, style, cov, docs)',
    ],
    [
      { policy: 'weighted', weights: { sec: 0 }, threshold: 1 },
      'spec.quorum.weights.sec must be a number > 0',
    ],
    [
      { policy: 'weighted', weights: { sec: -1 }, threshold: 1 },
      'spec.quorum.weights.sec must be a number > 0',
    ],
    [
      { policy: 'weighted', weights: [1], threshold: 1 },
      'spec.quorum.weights must be an object of type: weight',
    ],
    [{ policy: 'count', cont: 3 }, 'spec.quorum.cont is not a known field (did you mean count?)'],
    ['all', 'spec.quorum must be an object'],
  ])('rejects %j', (spec, message) => {
    let err: unknown;
    try {
      resolveQuorum(spec as QuorumSpec, C4);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TroupeError);
    expect((err as TroupeError).code).toBe(ErrorCode.InvalidOption);
    expect((err as TroupeError).message).toBe(message);
  });

  it('rejects an empty collect list and uses the given path', () => {
    expect(() => resolveQuorum(undefined, [])).toThrow('spec.collect must list at least one type');
    expect(() =>
      resolveQuorum({ policy: 'count', count: 9 }, ['a'], 'aggregators[0].spec.quorum'),
    ).toThrow('aggregators[0].spec.quorum.count must be between 1 and 1');
  });
});
