// The aggregator's pure logic: first arrival per type, quorum policies, repeats and late
// arrivals, deadline output, deterministic ids, retention, invalid quorum.
import { ErrorCode, createEvent, deriveEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
import { aggregatorLogic, type AggregatorState } from './aggregator.js';
import { aggregator } from './testing.js';

const corr = createEvent({ type: 'Fan', data: null });
const ev = (type: string, data: unknown = { type }) =>
  deriveEvent(corr, { agent: `p-${type}`, index: 0, type, data });

function run(logic: ReturnType<typeof aggregatorLogic>, types: string[], now = 1000) {
  let state: AggregatorState | undefined;
  const emitted = [];
  for (const t of types) {
    const d = logic.onEvent(state, ev(t), now)!;
    state = d.state;
    emitted.push(...d.emit);
  }
  return { state: state!, emitted };
}

describe('aggregator logic', () => {
  const spec = { collect: ['A', 'B', 'C', 'D'], emits: 'Out', timeoutMs: 500 };

  it('majority of 4 needs 3; emits once with the results in collect order', () => {
    const logic = aggregatorLogic(
      aggregator('agg', { ...spec, quorum: { policy: 'majority' } }).manifest,
      {
        retentionMs: 1000,
      },
    );
    const { state, emitted } = run(logic, ['C', 'A', 'B', 'D']);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.data).toEqual({
      complete: true,
      arrived: ['A', 'B', 'C'],
      missing: ['D'],
      results: { A: { type: 'A' }, B: { type: 'B' }, C: { type: 'C' } },
    });
    expect(emitted[0]!.correlationid).toBe(corr.correlationid);
    expect(emitted[0]!.causationid).toBe(ev('B').id);
    expect(state.emitted).toMatchObject({ by: 'quorum', complete: true });
    expect(state.late).toEqual([{ type: 'D', eventId: ev('D').id, at: 1000, repeat: false }]);
    expect(logic.retentionMs(state)).toBe(1000);
  });

  it('ignores types it does not collect and counts a repeated type once', () => {
    const logic = aggregatorLogic(aggregator('agg', spec).manifest, { retentionMs: 1 });
    expect(logic.onEvent(undefined, ev('Other'), 0)).toBeUndefined();
    const { state, emitted } = run(logic, ['A', 'A', 'B']);
    expect(emitted).toEqual([]);
    expect(Object.keys(state.results)).toEqual(['A', 'B']);
    expect(state.late).toMatchObject([{ type: 'A', repeat: true }]);
    expect(state.deadline).toBe(1500);
    expect(logic.retentionMs(state)).toBeUndefined();
  });

  it('weighted: one heavy type meets the threshold alone', () => {
    const logic = aggregatorLogic(
      aggregator('agg', {
        ...spec,
        quorum: { policy: 'weighted', weights: { A: 3 }, threshold: 3 },
      }).manifest,
      { retentionMs: 1 },
    );
    expect(run(logic, ['B', 'C']).emitted).toEqual([]);
    expect(run(logic, ['A']).emitted[0]!.data).toMatchObject({ complete: true, arrived: ['A'] });
  });

  it('on the deadline emits complete: false with the missing types, with a deterministic id', () => {
    const logic = aggregatorLogic(aggregator('agg', spec).manifest, { retentionMs: 1 });
    const { state } = run(logic, ['B']);
    const d1 = logic.onDeadline(state, 2000);
    const d2 = logic.onDeadline(state, 2500);
    expect(d1.emit[0]!.data).toEqual({
      complete: false,
      arrived: ['B'],
      missing: ['A', 'C', 'D'],
      results: { B: { type: 'B' } },
    });
    expect(d1.emit[0]!.id).toBe(d2.emit[0]!.id);
    expect(d1.state.emitted).toMatchObject({ by: 'timeout', complete: false });
    expect(d1.deadline).toBeNull();
    // A deadline after the emission emits nothing.
    expect(logic.onDeadline(d1.state, 3000).emit).toEqual([]);
    // An arrival after the timeout emission is late.
    const late = logic.onEvent(d1.state, ev('A'), 3000)!;
    expect(late.emit).toEqual([]);
    expect(late.note).toBe('late: already emitted');
  });

  it('defaults: quorum all, timeout 60 s', () => {
    const logic = aggregatorLogic(
      aggregator('agg', { collect: ['A', 'B'], emits: 'Out' }).manifest,
      {
        retentionMs: 1,
      },
    );
    expect(logic.onEvent(undefined, ev('A'), 0)!.deadline).toBe(60_000);
    expect(run(logic, ['A', 'B']).emitted).toHaveLength(1);
  });

  it('refuses an invalid quorum naming the field', () => {
    const bad = aggregator('agg', { ...spec, quorum: { policy: 'count', count: 9 } }).manifest;
    expect(thrown(() => aggregatorLogic(bad, { retentionMs: 1 }))).toMatchObject({
      code: ErrorCode.InvalidOption,
      data: { field: 'aggregators/agg.spec.quorum.count' },
    });
  });
});
