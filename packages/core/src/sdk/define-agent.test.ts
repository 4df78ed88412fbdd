// defineAgent: identity at runtime, types for event.data and ctx.config, clear TypeError.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CloudEvent } from '../envelope/event.js';
import type { HandlerContext } from './context.js';
import { defineAgent } from './define-agent.js';

describe('defineAgent', () => {
  it('returns the handler unchanged', () => {
    const h = (): void => {};
    expect(defineAgent(h)).toBe(h);
    const asyncH = async (): Promise<void> => {};
    expect(defineAgent(asyncH)).toBe(asyncH);
  });

  it('types event.data and ctx.config', () => {
    const h = defineAgent<{ question: string }, { rowLimit: number }>((event, ctx) => {
      expectTypeOf(event).toEqualTypeOf<CloudEvent<{ question: string }>>();
      expectTypeOf(event.data.question).toBeString();
      expectTypeOf(ctx).toEqualTypeOf<HandlerContext<{ rowLimit: number }>>();
      expectTypeOf(ctx.config.rowLimit).toBeNumber();
    });
    expectTypeOf(h).parameter(0).toEqualTypeOf<CloudEvent<{ question: string }>>();
  });

  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    [{ default: () => {} }, 'object'],
    [[() => {}], 'an array'],
    ['handler.ts', 'string'],
  ])('throws a TypeError for %j', (value, got) => {
    expect(() => defineAgent(value as never)).toThrow(TypeError);
    expect(() => defineAgent(value as never)).toThrow(
      `defineAgent expects a handler function (event, ctx) => void | Promise<void>, got ${got}`,
    );
  });
});
