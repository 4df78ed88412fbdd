import { DEFAULT_BREAKER, DEFAULT_RETRY } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import type { ResolvedAgent } from '../pipeline/options.js';
import { agentFingerprint, planReconcile } from './reconcile.js';

const base: ResolvedAgent = {
  name: 'a',
  handlerPath: '/h.ts',
  subscribe: [{ type: 'T' }],
  types: ['T'],
  emits: new Set(['X', 'Y']),
  concurrency: 4,
  timeoutMs: 1000,
  maxHops: 32,
  retry: DEFAULT_RETRY,
  breaker: DEFAULT_BREAKER,
  config: {},
};

describe('planReconcile', () => {
  it('starts new, restarts changed, stops removed and leaves the rest', () => {
    const running = new Map([
      ['keep', 'fp1'],
      ['change', 'fp2'],
      ['gone', 'fp3'],
    ]);
    const desired = new Map([
      ['keep', 'fp1'],
      ['change', 'fp2b'],
      ['new', 'fp4'],
    ]);
    expect(planReconcile(running, desired)).toEqual({
      start: ['new'],
      restart: ['change'],
      stop: ['gone'],
      unchanged: ['keep'],
    });
  });
});

describe('agentFingerprint', () => {
  it('ignores emits order but sees every other change', () => {
    const fp = agentFingerprint(base);
    expect(agentFingerprint({ ...base, emits: new Set(['Y', 'X']) })).toBe(fp);
    expect(agentFingerprint({ ...base, concurrency: 5 })).not.toBe(fp);
    expect(agentFingerprint({ ...base, handlerPath: '/other.ts' })).not.toBe(fp);
    expect(
      agentFingerprint({ ...base, subscribe: [{ type: 'T', where: { 'data.x': 1 } }] }),
    ).not.toBe(fp);
    expect(agentFingerprint({ ...base, config: { k: 1 } })).not.toBe(fp);
    expect(agentFingerprint({ ...base, retry: { ...DEFAULT_RETRY, attempts: 9 } })).not.toBe(fp);
  });
});
