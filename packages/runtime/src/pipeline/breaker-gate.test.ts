import type { CloudEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { BreakerGate } from './breaker-gate.js';

function setup(failureThreshold = 2, resetTimeoutMs = 100) {
  let t = 0;
  const events: CloudEvent[] = [];
  const gate = new BreakerGate({
    agent: 'a',
    nodeId: 'n',
    policy: { failureThreshold, resetTimeoutMs },
    announce: (e) => events.push(e),
    monotonic: () => t,
    now: () => 1_700_000_000_000 + t,
  });
  return { gate, events, advance: (ms: number) => (t += ms) };
}

describe('BreakerGate', () => {
  it('lets all free slots through while closed; a success resets the failure count', () => {
    const { gate } = setup(2);
    expect(gate.permits(4)).toBe(4);
    expect(gate.permits(0)).toBe(0);
    gate.report(gate.admit(), false);
    gate.report(gate.admit(), true);
    gate.report(gate.admit(), false);
    expect(gate.state).toBe('closed');
    expect(gate.failures).toBe(1);
  });

  it('opens at the threshold (fetch nothing), half-opens after the timeout with one trial, closes on its success', () => {
    const { gate, events, advance } = setup(2, 100);
    const t1 = gate.admit();
    const t2 = gate.admit();
    gate.report(t1, false);
    gate.report(t2, false);
    expect(gate.state).toBe('open');
    expect(events.map((e) => e.type)).toEqual(['troupe.breaker.opened']);
    expect(events[0]!.data).toEqual({
      agent: 'a',
      failures: 2,
      at: new Date(1_700_000_000_000).toISOString(),
    });
    expect(gate.permits(4)).toBe(0);
    expect(gate.msUntilHalfOpen()).toBe(100);
    advance(100);
    expect(gate.permits(4)).toBe(1);
    expect(events.map((e) => e.type)).toEqual([
      'troupe.breaker.opened',
      'troupe.breaker.half-opened',
    ]);
    // The fetch found nothing: the permit is kept for the next fetch, still exactly one.
    expect(gate.permits(4)).toBe(1);
    const trial = gate.admit();
    expect(trial.trial).toBe(true);
    expect(gate.permits(4)).toBe(0);
    // A late result of work started before opening does not decide.
    gate.report({ trial: false }, true);
    expect(gate.state).toBe('half-open');
    gate.report(trial, true);
    expect(gate.state).toBe('closed');
    expect(events.map((e) => e.type)).toEqual([
      'troupe.breaker.opened',
      'troupe.breaker.half-opened',
      'troupe.breaker.closed',
    ]);
    expect(gate.permits(3)).toBe(3);
    expect(gate.failures).toBe(0);
  });

  it('re-opens when the trial fails', () => {
    const { gate, events, advance } = setup(1, 50);
    gate.report(gate.admit(), false);
    advance(50);
    expect(gate.permits(2)).toBe(1);
    gate.report(gate.admit(), false);
    expect(gate.state).toBe('open');
    expect(events.map((e) => e.type)).toEqual([
      'troupe.breaker.opened',
      'troupe.breaker.half-opened',
      'troupe.breaker.opened',
    ]);
    expect(gate.permits(2)).toBe(0);
  });
});
