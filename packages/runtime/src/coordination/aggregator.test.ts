// The aggregator's pure logic: first arrival per type, quorum policies, repeats and late
// arrivals, deadline output, deterministic ids, retention, invalid quorum; ruling types out by
// their producers' `troupe.deadlettered` (decision 0008).
import { ErrorCode, createEvent, deriveEvent, type CloudEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
import type { Delivery } from '../transport/contract.js';
import { deadLetteredEvent } from '../pipeline/system-events.js';
import { aggregatorLogic, type AggregateData, type AggregatorState } from './aggregator.js';
import { newlyRuledOut, parseDeadLettered } from './aggregator-ruling.js';
import { producersOf } from './coordinators.js';
import { eventTypeManifest } from '../pipeline/testing.js';
import { aggregator, responder } from './testing.js';

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
      failed: [],
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
      failed: [],
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

  describe('ruling types out by troupe.deadlettered', () => {
    // A, B, C, D are produced by agents pa, pb, pc, pd; D also by pd2.
    const producers = {
      A: ['agent/pa'],
      B: ['agent/pb'],
      C: ['agent/pc'],
      D: ['agent/pd', 'agent/pd2'],
    };
    // Each producer's input: the fan-out event it got in this correlation.
    const input = (agent: string) =>
      deriveEvent(corr, { agent: `fan-to-${agent}`, index: 0, type: 'In', data: {} });
    /** The announcement of `agent` dead-lettering its input of this correlation. */
    const dl = (agent: string, entryId = '1-0'): CloudEvent => {
      const delivery: Delivery = { event: input(agent), stream: 'In', entryId, attempt: 1 };
      const error = {
        name: 'E',
        code: 'HANDLER_FAILED',
        message: `${agent} broke`,
        data: {},
        retryable: false,
      };
      return deadLetteredEvent(
        delivery,
        agent,
        { reason: 'non-retryable', attempts: 1, error },
        [],
        'n1',
      )!;
    };
    const make = (quorum?: { policy: 'count'; count: number }) =>
      aggregatorLogic(aggregator('agg', { ...spec, ...(quorum ? { quorum } : {}) }).manifest, {
        retentionMs: 1,
        producers,
      });
    function feed(logic: ReturnType<typeof aggregatorLogic>, events: CloudEvent[], now = 1000) {
      let state: AggregatorState | undefined;
      const emitted: CloudEvent<AggregateData>[] = [];
      const notes: string[] = [];
      for (const e of events) {
        const d = logic.onEvent(state, e, now);
        if (!d) {
          notes.push('ignored');
          continue;
        }
        state = d.state;
        notes.push(d.note);
        emitted.push(...(d.emit as CloudEvent<AggregateData>[]));
      }
      return { state, emitted, notes };
    }

    it('consumes troupe.deadlettered only when an agent produces a collected type', () => {
      expect(make().types).toEqual(['A', 'B', 'C', 'D', 'troupe.deadlettered']);
      const none = aggregatorLogic(aggregator('agg', spec).manifest, { retentionMs: 1 });
      expect(none.types).toEqual(['A', 'B', 'C', 'D']);
      expect(none.onEvent(undefined, dl('pa'), 0)).toBeUndefined();
      const sagaOnly = aggregatorLogic(aggregator('agg', spec).manifest, {
        retentionMs: 1,
        producers: { A: ['saga/s'] },
      });
      expect(sagaOnly.types).not.toContain('troupe.deadlettered');
    });

    it('quorum all: the only producer of A dead-letters → emitted at once, by impossible, naming it', () => {
      const logic = make();
      const { state, emitted, notes } = feed(logic, [ev('B'), dl('pa')]);
      expect(emitted).toHaveLength(1);
      expect(emitted[0]!.data).toEqual({
        complete: false,
        arrived: ['B'],
        missing: ['A', 'C', 'D'],
        results: { B: { type: 'B' } },
        failed: [{ type: 'A', agent: 'pa', reason: 'non-retryable', error: 'pa broke' }],
      });
      expect(emitted[0]!.causationid).toBe(dl('pa').id);
      expect(state!.emitted).toMatchObject({ by: 'impossible', complete: false });
      expect(state!.ruledOut).toEqual([
        { type: 'A', agent: 'pa', reason: 'non-retryable', error: 'pa broke' },
      ]);
      expect(state!.deadline).toBeNull();
      expect(notes[1]).toBe('quorum impossible (ruled out: A): emitted');
    });

    it('a dead letter before any result starts the correlation (and can end it)', () => {
      const logic = make({ policy: 'count', count: 3 });
      const first = logic.onEvent(undefined, dl('pa'), 500)!;
      expect(first.emit).toEqual([]);
      expect(first.deadline).toBe(1000);
      expect(first.state.startedAt).toBe(500);
      expect(first.state.cause.id).toBe(dl('pa').id);
      expect(first.note).toBe('pa dead-lettered In (non-retryable): ruled out A');
      const { emitted } = feed(logic, [dl('pa'), ev('B'), ev('C'), ev('D')]);
      expect(emitted[0]!.data).toMatchObject({
        complete: true,
        arrived: ['B', 'C', 'D'],
        failed: [{ type: 'A', agent: 'pa' }],
      });
    });

    it('quorum 3-of-4 stays possible with one type out, impossible with two', () => {
      const logic = make({ policy: 'count', count: 3 });
      expect(feed(logic, [ev('A'), dl('pb')]).emitted).toEqual([]);
      const { emitted, state } = feed(logic, [ev('A'), dl('pb'), dl('pc')]);
      expect(emitted[0]!.data).toMatchObject({
        complete: false,
        arrived: ['A'],
        failed: [
          { type: 'B', agent: 'pb' },
          { type: 'C', agent: 'pc' },
        ],
      });
      expect(state!.emitted!.by).toBe('impossible');
    });

    it('a type with two producers is ruled out only when both dead-lettered', () => {
      const logic = make({ policy: 'count', count: 4 });
      const one = feed(logic, [ev('A'), dl('pd')]);
      expect(one.emitted).toEqual([]);
      expect(one.state!.ruledOut).toEqual([]);
      expect(one.notes[1]).toBe('pd dead-lettered In (non-retryable): D still possible');
      const both = feed(logic, [ev('A'), dl('pd'), dl('pd2')]);
      expect(both.emitted[0]!.data.failed).toEqual([
        { type: 'D', agent: 'pd', reason: 'non-retryable', error: 'pd broke' },
        { type: 'D', agent: 'pd2', reason: 'non-retryable', error: 'pd2 broke' },
      ]);
    });

    it('ignores dead letters of agents that produce nothing collected, and malformed ones', () => {
      const logic = make();
      expect(logic.onEvent(undefined, dl('stranger'), 0)).toBeUndefined();
      expect(logic.onEvent(undefined, { ...dl('pa'), data: { agent: 'pa' } }, 0)).toBeUndefined();
      expect(parseDeadLettered(null)).toBeUndefined();
      expect(parseDeadLettered({ ...(dl('pa').data as object), error: 'x' })).not.toHaveProperty(
        'error',
      );
    });

    it('is deterministic: the same announcement decides the same emission id', () => {
      const a = feed(make(), [ev('B'), dl('pa')]);
      const b = feed(make(), [ev('B'), dl('pa')], 9999);
      expect(a.emitted[0]!.id).toBe(b.emitted[0]!.id);
    });

    it('after the emission: a redriven result is late, a further dead letter is recorded, nothing re-emitted', () => {
      const logic = make();
      const { state } = feed(logic, [ev('B'), dl('pa')]);
      const late = logic.onEvent(state, ev('A'), 2000)!;
      expect(late.emit).toEqual([]);
      expect(late.note).toBe('late: already emitted');
      expect(late.state.late).toMatchObject([{ type: 'A', repeat: false }]);
      const again = logic.onEvent(late.state, dl('pc', '2-0'), 2100)!;
      expect(again.emit).toEqual([]);
      expect(again.note).toBe('late: pc dead-lettered In (non-retryable) after the emission');
      expect(again.state.deadLettered!.map((d) => d.agent)).toEqual(['pa', 'pc']);
      expect(again.state.ruledOut).toEqual(state!.ruledOut);
      expect(logic.onDeadline(again.state, 5000).emit).toEqual([]);
    });

    it('a ruled-out type that arrives before the emission counts, and is not reported failed', () => {
      const logic = make({ policy: 'count', count: 3 });
      const { emitted } = feed(logic, [dl('pa'), ev('A'), ev('B'), ev('C')]);
      expect(emitted[0]!.data).toMatchObject({
        complete: true,
        arrived: ['A', 'B', 'C'],
        failed: [],
      });
    });

    it('the timeout emission names what was ruled out', () => {
      const logic = make({ policy: 'count', count: 2 });
      const { state } = feed(logic, [dl('pa'), ev('B')]);
      const d = logic.onDeadline(state!, 2000);
      expect(d.emit[0]!.data).toMatchObject({
        complete: false,
        missing: ['A', 'C', 'D'],
        failed: [{ type: 'A', agent: 'pa' }],
      });
      expect(d.state.emitted!.by).toBe('timeout');
    });

    it('newlyRuledOut skips arrived, already ruled-out and producer-less types', () => {
      const dead = [{ agent: 'pa', eventId: 'e', type: 'In', reason: 'schema', at: 0 }];
      const p = { A: ['agent/pa'], B: [], C: ['agent/pa', 'external'] };
      expect(newlyRuledOut(['A', 'B', 'C'], p, new Set(), [], dead)).toEqual([
        { type: 'A', agent: 'pa', reason: 'schema' },
      ]);
      expect(newlyRuledOut(['A'], p, new Set(['A']), [], dead)).toEqual([]);
      expect(
        newlyRuledOut(['A'], p, new Set(), [{ type: 'A', agent: 'pa', reason: 'schema' }], dead),
      ).toEqual([]);
    });

    it('producersOf: agents, coordinators, and entry types as external', () => {
      const p = producersOf([
        responder('pa', 'Fan', { out: 'A' }),
        responder('pa2', 'Fan', { out: 'A' }),
        aggregator('inner', { collect: ['X'], emits: 'B' }),
        eventTypeManifest('C', { entry: true }),
        responder('pc', 'Fan', { out: 'C' }),
      ]);
      expect(p).toEqual({
        A: ['agent/pa', 'agent/pa2'],
        B: ['aggregator/inner'],
        C: ['agent/pc', 'external'],
      });
    });
  });
});
