// The saga's pure logic: the happy path, a failing step with compensations in reverse order
// (steps without `compensate` skipped), step and whole-saga deadlines, and the replies it
// ignores (no state, another step's reply, after the end, a second trigger).
import { createEvent, deriveEvent, type CloudEvent, type SagaSpec } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { sagaLogic, type SagaState } from './saga.js';
import { saga } from './testing.js';

const spec: SagaSpec = {
  trigger: 'go',
  steps: [
    { name: 'a', command: 'a.do', success: 'a.ok', failure: 'a.ko', compensate: 'a.undo' },
    { name: 'b', command: 'b.do', success: 'b.ok', failure: 'b.ko' },
    {
      name: 'c',
      command: 'c.do',
      success: 'c.ok',
      failure: 'c.ko',
      compensate: 'c.undo',
      timeoutMs: 100,
    },
  ],
  timeoutMs: 10_000,
  emits: { completed: 'done', failed: 'aborted' },
};
const logic = sagaLogic(saga('s', spec).manifest, { retentionMs: 5 });
const trigger = createEvent({ type: 'go', data: { x: 1 } });
const reply = (from: CloudEvent, type: string, data: unknown = { type }) =>
  deriveEvent(from, { agent: 'worker', index: 0, type, data });

function feed(types: string[], now = 0): { state: SagaState; emitted: CloudEvent[] } {
  let d = logic.onEvent(undefined, trigger, now)!;
  let state = d.state;
  const emitted = [...d.emit];
  for (const t of types) {
    d = logic.onEvent(state, reply(emitted[emitted.length - 1]!, t), now)!;
    state = d.state;
    emitted.push(...d.emit);
  }
  return { state, emitted };
}

describe('saga logic', () => {
  it('runs the steps in order and completes', () => {
    const { state, emitted } = feed(['a.ok', 'b.ok', 'c.ok']);
    expect(emitted.map((e) => e.type)).toEqual(['a.do', 'b.do', 'c.do', 'done']);
    expect(emitted[0]!.data).toEqual({ saga: 's', step: 'a', input: { x: 1 }, previous: null });
    expect(emitted[1]!.data).toMatchObject({ step: 'b', previous: { type: 'a.ok' } });
    expect(emitted[3]!.data).toEqual({
      saga: 's',
      steps: ['a', 'b', 'c'],
      input: { x: 1 },
      result: { type: 'c.ok' },
    });
    expect(state.status).toBe('completed');
    expect(logic.retentionMs(state)).toBe(5);
  });

  it('a failing step compensates the completed steps in reverse order (skipping those without compensate), then fails', () => {
    const { state, emitted } = feed(['a.ok', 'b.ok', 'c.ko']);
    expect(emitted.map((e) => e.type)).toEqual(['a.do', 'b.do', 'c.do', 'a.undo', 'aborted']);
    expect(emitted[4]!.data).toEqual({
      saga: 's',
      failedStep: 'c',
      reason: 'failure',
      error: { type: 'c.ko' },
      compensated: ['a'],
    });
    expect(new Set(emitted.map((e) => e.id)).size).toBe(emitted.length);
    expect(state).toMatchObject({ status: 'failed', failure: { step: 'c', reason: 'failure' } });
  });

  it('the first step failing compensates nothing', () => {
    expect(feed(['a.ko']).emitted.map((e) => e.type)).toEqual(['a.do', 'aborted']);
  });

  it('a step deadline (own timeoutMs or the whole saga) fails with reason timeout', () => {
    const start = feed([], 1000).state;
    expect(start.deadline).toBe(11_000); // step a: the whole-saga timeout
    const atC = feed(['a.ok', 'b.ok'], 2000).state;
    expect(atC.deadline).toBe(2100); // step c: its own 100 ms
    const d = logic.onDeadline(atC, 2100);
    expect(d.emit.map((e) => e.type)).toEqual(['a.undo', 'aborted']);
    expect(d.emit[1]!.data).toMatchObject({
      reason: 'timeout',
      failedStep: 'c',
      compensated: ['a'],
    });
    expect(logic.onDeadline(atC, 2200).emit.map((e) => e.id)).toEqual(d.emit.map((e) => e.id));
    expect(logic.onDeadline(d.state, 3000).emit).toEqual([]);
  });

  it("ignores a reply with no saga, a second trigger, another step's reply and replies after the end", () => {
    expect(logic.onEvent(undefined, reply(trigger, 'a.ok'), 0)).toBeUndefined();
    const { state } = feed([]);
    const again = logic.onEvent(state, createEvent({ type: 'go', data: null }), 0)!;
    expect(again.emit).toEqual([]);
    expect(again.state.step).toBe(0);
    const wrong = logic.onEvent(state, reply(trigger, 'b.ok'), 0)!;
    expect(wrong.emit).toEqual([]);
    expect(wrong.note).toContain('not a reply of step a');
    const done = feed(['a.ok', 'b.ok', 'c.ok']).state;
    const after = logic.onEvent(done, reply(trigger, 'c.ko'), 0)!;
    expect(after.emit).toEqual([]);
    expect(after.state.history.at(-1)!.note).toContain('after the saga completed');
  });
});
