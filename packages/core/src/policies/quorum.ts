// Quorum of an Aggregator (DESIGN.md §3) as pure code: which collected event types must have
// arrived (per correlation id) before the aggregator emits. `resolveQuorum` applies the default
// (`all`) and validates against the `collect` list; `evaluateQuorum` says whether the quorum is
// met and whether it still can be, so the aggregator can finish early either way.
import type { QuorumPolicy, QuorumSpec } from '../manifest/types.js';
import { checkKnownFields, invalidOption } from './validate.js';

/** A validated quorum: every collected type with its weight, and the weight that meets it. */
export interface ResolvedQuorum {
  readonly policy: QuorumPolicy;
  /** The collected types, in manifest order, without duplicates. */
  readonly collect: readonly string[];
  /** Weight of each collected type: 1 unless `weighted` says otherwise. */
  readonly weights: Readonly<Record<string, number>>;
  /** Total weight of arrived types that meets the quorum (a count unless `weighted`). */
  readonly need: number;
}

export interface QuorumEvaluation {
  /** The arrived types weigh at least `need`. */
  readonly met: boolean;
  /** The quorum is met, or would be if every missing type still arrived. */
  readonly possible: boolean;
  /** Weight (a count unless `weighted`) of the collected types that arrived. */
  readonly have: number;
  readonly need: number;
  /** Collected types that have not arrived, in `collect` order. */
  readonly missing: string[];
}

const POLICIES: readonly QuorumPolicy[] = ['all', 'majority', 'allMinusOne', 'count', 'weighted'];
const QUORUM_FIELDS = ['policy', 'count', 'weights', 'threshold'] as const;

function positive(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

/**
 * Validate `spec` against the collected types (`spec.quorum` absent means `all`). Throws
 * `TroupeError` code `INVALID_OPTION` naming the field: `count` within 1..collect.length, weights
 * only for collected types and positive, `threshold` > 0 and <= the total weight, known policy,
 * and no option that the policy does not use.
 */
export function resolveQuorum(
  spec: QuorumSpec | undefined,
  collect: readonly string[],
  path = 'spec.quorum',
): ResolvedQuorum {
  const types = [...new Set(collect)];
  if (types.length === 0) {
    const field = path.endsWith('.quorum')
      ? `${path.slice(0, -'.quorum'.length)}.collect`
      : 'collect';
    throw invalidOption(field, `${field} must list at least one type`);
  }
  if (spec !== undefined && (typeof spec !== 'object' || spec === null || Array.isArray(spec)))
    throw invalidOption(path, `${path} must be an object`);
  checkKnownFields(spec ?? {}, QUORUM_FIELDS, path);
  const policy = (spec?.policy ?? 'all') as unknown;
  const n = types.length;
  const unitWeights = Object.fromEntries(types.map((t) => [t, 1]));
  if (typeof policy !== 'string' || !POLICIES.includes(policy as QuorumPolicy))
    throw invalidOption(
      `${path}.policy`,
      `${path}.policy must be one of ${POLICIES.join(', ')} (got ${JSON.stringify(policy)})`,
    );
  for (const field of ['count', 'weights', 'threshold'] as const) {
    const usedBy = field === 'count' ? 'count' : 'weighted';
    if (spec?.[field] !== undefined && policy !== usedBy)
      throw invalidOption(
        `${path}.${field}`,
        `${path}.${field} is only used with policy ${usedBy} (policy is ${policy})`,
      );
  }
  const result = (p: QuorumPolicy, need: number, weights = unitWeights): ResolvedQuorum =>
    Object.freeze({ policy: p, collect: types, weights: Object.freeze(weights), need });

  switch (policy as QuorumPolicy) {
    case 'all':
      return result('all', n);
    case 'majority':
      // More than half: 1 of 1, 2 of 2, 2 of 3, 3 of 4.
      return result('majority', Math.floor(n / 2) + 1);
    case 'allMinusOne':
      return result('allMinusOne', Math.max(1, n - 1));
    case 'count': {
      const f = `${path}.count`;
      const c: unknown = spec?.count;
      if (c === undefined) throw invalidOption(f, `${f} is required with policy count`);
      if (typeof c !== 'number' || !Number.isInteger(c))
        throw invalidOption(f, `${f} must be an integer`);
      if (c < 1 || c > n)
        throw invalidOption(f, `${f} must be between 1 and ${n} (the number of collected types)`);
      return result('count', c);
    }
    case 'weighted':
      return resolveWeighted(spec ?? { policy: 'weighted' }, types, path, result);
  }
}

function resolveWeighted(
  spec: QuorumSpec,
  types: readonly string[],
  path: string,
  result: (p: QuorumPolicy, need: number, weights: Record<string, number>) => ResolvedQuorum,
): ResolvedQuorum {
  const weights: Record<string, number> = Object.fromEntries(types.map((t) => [t, 1]));
  const given: unknown = spec.weights ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw invalidOption(`${path}.weights`, `${path}.weights must be an object of type: weight`);
  for (const [type, w] of Object.entries(given)) {
    const f = `${path}.weights.${type}`;
    if (!types.includes(type))
      throw invalidOption(
        f,
        `${f}: ${type} is not a collected type (collect: ${types.join(', ')})`,
      );
    if (!positive(w)) throw invalidOption(f, `${f} must be a number > 0`);
    weights[type] = w;
  }
  const total = types.reduce((sum, t) => sum + weights[t]!, 0);
  const f = `${path}.threshold`;
  const threshold: unknown = spec.threshold;
  if (threshold === undefined) throw invalidOption(f, `${f} is required with policy weighted`);
  if (!positive(threshold)) throw invalidOption(f, `${f} must be a number > 0`);
  if (threshold > total)
    throw invalidOption(f, `${f} must be <= the total weight of the collected types (${total})`);
  return result('weighted', threshold, weights);
}

// Weights are decimals: 0.1 + 0.2 must meet a threshold of 0.3.
const EPSILON = 1e-9;

/**
 * Evaluate `q` given the collected types that have `arrived` (types not collected are ignored).
 * `ruledOut` (default none) lists types known never to arrive for this correlation, e.g. because
 * their producer dead-lettered; `possible` is false once even every missing type that may still
 * arrive could not meet the quorum. An arrived type counts even if it is also ruled out.
 */
export function evaluateQuorum(
  q: ResolvedQuorum,
  arrived: ReadonlySet<string>,
  ruledOut: ReadonlySet<string> = new Set(),
): QuorumEvaluation {
  let have = 0;
  let pending = 0;
  const missing: string[] = [];
  for (const t of q.collect) {
    const w = q.weights[t] ?? 1;
    if (arrived.has(t)) have += w;
    else {
      if (!ruledOut.has(t)) pending += w;
      missing.push(t);
    }
  }
  const met = have + EPSILON >= q.need;
  return { met, possible: met || have + pending + EPSILON >= q.need, have, need: q.need, missing };
}
