// The example of packages/core/README.md, verbatim apart from the handler living in this file:
// it runs in CI so the README cannot rot. It imports the package by name, as users do.
import { describe, expect, it } from 'vitest';
import {
  createTestContext,
  defineAgent,
  isTroupeError,
  runHandler,
  ErrorCode,
  NonRetryableError,
} from '@troupe/core';

const handler = defineAgent<{ name: string }, { greeting: string }>((event, ctx) => {
  if (!event.data.name) throw new NonRetryableError('name is empty'); // dead-letter, no retries
  ctx.log.info('greeting', { name: event.data.name });
  ctx.emit('GreetingSent', { text: `${ctx.config.greeting}, ${event.data.name}!` });
});

describe('greeter', () => {
  it('greets', async () => {
    const { emitted, events, error } = await runHandler(handler, {
      type: 'GreetingRequested',
      data: { name: 'Ada' },
      config: { greeting: 'Hello' },
      emits: ['GreetingSent'], // the agent's declared emits: anything else fails the handler
    });
    expect(error).toBeUndefined();
    expect(emitted).toEqual([{ type: 'GreetingSent', data: { text: 'Hello, Ada!' } }]);
    expect(events[0]?.hops).toBe(1); // the envelope the runtime would commit, deterministic id
  });

  it('refuses an empty name without retries', async () => {
    const { error } = await runHandler(handler, { data: { name: '' }, config: { greeting: 'Hi' } });
    expect(isTroupeError(error) && error.code).toBe(ErrorCode.NonRetryable);
  });

  it('can drive the context by hand', async () => {
    const t = createTestContext({ data: { name: 'Bo' }, config: { greeting: 'Hey' } });
    await handler(t.event, t.ctx);
    expect(t.logs).toEqual([{ level: 'info', message: 'greeting', fields: { name: 'Bo' } }]);
  });
});
