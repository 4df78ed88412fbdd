import { createEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import type { HandlerTask } from './contract.js';
import { packBatch, unpackBatch } from './protocol.js';

const config = { next: 'b' };
const capabilities = { listed: [], connections: {} };
const task = (n: number, over: Partial<HandlerTask> = {}): HandlerTask => ({
  handlerPath: '/h.ts',
  agent: 'a',
  event: createEvent({ type: 'A', data: { n } }),
  attempt: n + 1,
  timeoutMs: 1000,
  config,
  capabilities,
  ...over,
});

describe('packBatch / unpackBatch', () => {
  it('packs one agent’s tasks as the shared fields once plus events and attempts', () => {
    const tasks = [task(0), task(1), task(2)];
    const batch = packBatch(7, tasks);
    expect(batch).toEqual({
      slotBase: 7,
      shared: { handlerPath: '/h.ts', agent: 'a', timeoutMs: 1000, config, capabilities },
      events: tasks.map((t) => t.event),
      attempts: [1, 2, 3],
    });
    // What the worker rebuilds (after a structured clone) is the tasks themselves.
    expect(unpackBatch(structuredClone(batch))).toEqual(tasks);
  });

  it('keeps an absent capabilities absent', () => {
    const { capabilities: _c, ...bare } = task(0);
    const tasks = [bare, { ...bare, attempt: 2 }];
    const out = unpackBatch(structuredClone(packBatch(0, tasks)));
    expect(out).toEqual(tasks);
    expect('capabilities' in out[0]!).toBe(false);
  });

  it.each([
    ['handlerPath', { handlerPath: '/other.ts' }],
    ['agent', { agent: 'b' }],
    ['timeoutMs', { timeoutMs: 5 }],
    ['config (another object)', { config: { next: 'b' } }],
    ['capabilities (another object)', { capabilities: { listed: [], connections: {} } }],
  ] as const)('sends tasks that differ in %s unpacked', (_, over) => {
    const tasks = [task(0), task(1, over)];
    const batch = packBatch(0, tasks);
    expect(batch).toEqual({ slotBase: 0, tasks });
    expect(unpackBatch(batch)).toBe(tasks);
  });

  it('sends a single task or none unpacked', () => {
    const one = [task(0)];
    expect(packBatch(3, one)).toEqual({ slotBase: 3, tasks: one });
    expect(packBatch(0, [])).toEqual({ slotBase: 0, tasks: [] });
  });
});
