// The coordination line of a rendered trace: an aggregator's ruled-out types (decision 0008).
import { describe, expect, it } from 'vitest';
import { renderTraceTree } from './render-trace.js';
import type { Trace, TraceNode } from './trace.js';

const root: TraceNode = {
  id: 'e1',
  type: 'Fan',
  source: 'troupe://external',
  time: '2026-01-01T00:00:00.000Z',
  hops: 0,
  offsetMs: 0,
  handledBy: [],
  children: [],
};

function trace(state: unknown): Trace {
  return {
    correlationId: 'c1',
    eventCount: 1,
    durationMs: 5,
    roots: [root],
    edges: [],
    deadLetters: [],
    coordination: [{ kind: 'aggregator', name: 'agg', version: 3, state, handled: [] }],
    unattached: [],
  };
}

describe('renderTraceTree: aggregator state', () => {
  it('names the types ruled out, with the producer and the reason', () => {
    const text = renderTraceTree(
      trace({
        results: { R1: {} },
        late: [{}],
        ruledOut: [{ type: 'R4', agent: 'a4', reason: 'non-retryable' }],
        emitted: { by: 'impossible', complete: false },
      }),
    );
    expect(text).toContain(
      'aggregator agg (v3): arrived [R1], ruled out [R4 (a4: non-retryable)], emitted by impossible (complete: false), 1 late',
    );
  });

  it('says nothing of ruling out when nothing was (and for states from before it existed)', () => {
    const text = renderTraceTree(trace({ results: { R1: {} }, late: [] }));
    expect(text).toContain('aggregator agg (v3): arrived [R1], waiting');
  });
});
