// Reconciling Aggregator / Saga manifests into running coordinators: start, restart on a spec
// change, stop on removal, untouched otherwise; a bad document (invalid quorum, duplicate
// name) changes nothing; option validation.
import { ErrorCode, silentLogger } from '@troupe/core';
import { afterEach, describe, expect, it } from 'vitest';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
import { createMemoryTransport } from '../transport/memory/index.js';
import { Coordinators } from './coordinators.js';
import { aggregator, saga } from './testing.js';

const agg = (emits = 'Out') => aggregator('agg', { collect: ['A', 'B'], emits });
const sg = saga('sg', {
  trigger: 'go',
  steps: [{ name: 'a', command: 'a.do', success: 'a.ok', failure: 'a.ko' }],
  emits: { completed: 'done', failed: 'aborted' },
});

describe('Coordinators', () => {
  const made: Coordinators[] = [];
  afterEach(async () => {
    for (const c of made.splice(0)) await c.close();
  });
  const make = (options = {}) => {
    const c = new Coordinators({
      transport: createMemoryTransport(),
      nodeId: 'n1',
      visibilityTimeoutMs: 1000,
      fetchBlockMs: 20,
      log: silentLogger,
      options,
    });
    made.push(c);
    return c;
  };

  it('starts, restarts on a changed spec, stops removed ones, leaves the rest', async () => {
    const c = make();
    expect(await c.apply([agg(), sg])).toEqual({
      start: ['agg', 'sg'],
      restart: [],
      stop: [],
      unchanged: [],
    });
    expect(c.list()).toEqual([
      { kind: 'aggregator', name: 'agg' },
      { kind: 'saga', name: 'sg' },
    ]);
    expect(await c.apply([agg('Other'), sg])).toMatchObject({
      restart: ['agg'],
      unchanged: ['sg'],
    });
    expect(await c.apply([sg])).toMatchObject({ stop: ['agg'], unchanged: ['sg'] });
    expect(c.list().map((x) => x.name)).toEqual(['sg']);
    expect(await c.inspect('no-such-correlation')).toEqual([]);
  });

  it('a bad document changes nothing', async () => {
    const c = make();
    await c.apply([agg()]);
    const bad = aggregator('bad', {
      collect: ['A'],
      quorum: { policy: 'count', count: 2 },
      emits: 'X',
    });
    await expect(c.apply([sg, bad])).rejects.toMatchObject({ code: ErrorCode.InvalidOption });
    await expect(
      c.apply([agg(), aggregator('agg', { collect: ['C'], emits: 'Y' })]),
    ).rejects.toMatchObject({
      code: ErrorCode.ManifestInvalid,
    });
    expect(c.list().map((x) => x.name)).toEqual(['agg']);
  });

  it('warns once when the transport is durable but the state store is not', async () => {
    const warnings: string[] = [];
    const memory = createMemoryTransport();
    const durable = new Proxy(memory, {
      get: (t, p) =>
        p === 'features'
          ? { durable: true, multiProcess: true }
          : (Reflect.get(t, p) as unknown) instanceof Function
            ? (Reflect.get(t, p) as (...a: unknown[]) => unknown).bind(t)
            : (Reflect.get(t, p) as unknown),
    });
    const c = new Coordinators({
      transport: durable,
      nodeId: 'n1',
      visibilityTimeoutMs: 1000,
      fetchBlockMs: 20,
      log: { ...silentLogger, warn: (m: string) => void warnings.push(m) },
    });
    made.push(c);
    await c.apply([agg()]);
    await c.apply([agg('Changed')]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('createRedisCoordinationStore');
  });

  it('validates its options naming the field', () => {
    expect(thrown(() => make({ tickMs: 0 }))).toMatchObject({
      data: { field: 'options.coordination.tickMs' },
    });
    expect(thrown(() => make({ retentionMs: 1.5 }))).toMatchObject({
      data: { field: 'options.coordination.retentionMs' },
    });
  });
});
