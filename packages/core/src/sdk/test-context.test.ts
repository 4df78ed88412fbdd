// createTestContext / runHandler: the recorded emissions and logs, derived envelopes with
// deterministic ids, the emits check, JSON-only data, the timeout that aborts ctx.signal, and
// errors returned instead of thrown.
import { describe, expect, it } from 'vitest';
import { createEvent } from '../envelope/event.js';
import { isUuid } from '../envelope/ids.js';
import { ErrorCode } from '../errors/codes.js';
import { NonRetryableError, TroupeError } from '../errors/troupe-error.js';
import { defineAgent } from './define-agent.js';
import { createTestContext, runHandler } from './test-context.js';

const fixedNow = (): number => Date.UTC(2025, 0, 2, 3, 4, 5);

function thrown(fn: () => unknown): TroupeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TroupeError);
    return e as TroupeError;
  }
  throw new Error('expected a throw');
}

describe('createTestContext', () => {
  it('builds an entry event from type and data, with defaults', () => {
    const { ctx, event } = createTestContext({
      type: 'QueryReceived',
      data: { q: 1 },
      now: fixedNow,
    });
    expect(ctx.event).toBe(event);
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'QueryReceived',
      data: { q: 1 },
      source: 'troupe://test',
      hops: 0,
      time: '2025-01-02T03:04:05.000Z',
    });
    expect(event.correlationid).toBe(event.id);
    expect(ctx.agent).toBe('test-agent');
    expect(ctx.attempt).toBe(1);
    expect(ctx.config).toEqual({});
    expect(ctx.signal.aborted).toBe(false);
  });

  it('defaults type to test.event and data to {}', () => {
    const { event } = createTestContext();
    expect(event.type).toBe('test.event');
    expect(event.data).toEqual({});
  });

  it('uses a given event, config, attempt and agent', () => {
    const input = createEvent({ type: 'X', data: 5 });
    const { ctx } = createTestContext({
      event: input,
      config: { k: 'v' },
      attempt: 3,
      agent: 'a1',
    });
    expect(ctx.event).toBe(input);
    expect(ctx.config).toEqual({ k: 'v' });
    expect(Object.isFrozen(ctx.config)).toBe(true);
    expect(ctx.attempt).toBe(3);
    expect(ctx.agent).toBe('a1');
  });

  it('refuses event together with type/data, and a bad attempt', () => {
    const input = createEvent({ type: 'X', data: 5 });
    expect(thrown(() => createTestContext({ event: input, type: 'Y' })).message).toMatch(
      /either `event` or `type`\/`data`/,
    );
    expect(thrown(() => createTestContext({ event: input, data: 1 })).code).toBe(
      ErrorCode.InvalidOption,
    );
    expect(thrown(() => createTestContext({ attempt: 0 })).message).toBe(
      'createTestContext: attempt must be an integer >= 1, got 0',
    );
  });

  it('records emissions in order, with subject, as JSON copies', () => {
    const tc = createTestContext();
    const data = { n: 1, when: new Date(0) };
    tc.ctx.emit('A', data);
    data.n = 2; // later mutation does not change what was emitted
    tc.ctx.emit('B', null, { subject: 's-1' });
    expect(tc.emitted).toEqual([
      { type: 'A', data: { n: 1, when: '1970-01-01T00:00:00.000Z' } },
      { type: 'B', data: null, subject: 's-1' },
    ]);
  });

  it('throws UNDECLARED_EMISSION for a type not in emits, and records nothing', () => {
    const tc = createTestContext({ agent: 'sql-runner', emits: ['QuerySuccess', 'QueryError'] });
    tc.ctx.emit('QuerySuccess', {});
    const e = thrown(() => tc.ctx.emit('QueryDone', {}));
    expect(e.code).toBe(ErrorCode.UndeclaredEmission);
    expect(e.message).toBe(
      'agent sql-runner emitted QueryDone, which it does not declare in emits [QuerySuccess, QueryError]',
    );
    expect(e.data).toEqual({ type: 'QueryDone', declared: ['QuerySuccess', 'QueryError'] });
    expect(e.retryable).toBe(false);
    expect(tc.emitted.map((x) => x.type)).toEqual(['QuerySuccess']);
  });

  it('emits: [] forbids every emission; no emits allows any', () => {
    expect(thrown(() => createTestContext({ emits: [] }).ctx.emit('A', 1)).code).toBe(
      ErrorCode.UndeclaredEmission,
    );
    expect(() => createTestContext().ctx.emit('anything', 1)).not.toThrow();
  });

  it('rejects data that is not JSON and an empty type', () => {
    const { ctx } = createTestContext();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(thrown(() => ctx.emit('A', circular)).message).toMatch(
      /^emit\('A'\): data is not JSON-serializable/,
    );
    expect(thrown(() => ctx.emit('A', 10n)).code).toBe(ErrorCode.InvalidOption);
    expect(thrown(() => ctx.emit('A', undefined)).message).toBe(
      "emit('A'): data must be a JSON value, got undefined",
    );
    expect(thrown(() => ctx.emit('A', () => 1)).message).toMatch(/got function/);
    expect(thrown(() => ctx.emit('', {})).message).toBe('emit: type must be a non-empty string');
  });

  it('records logs with their level and fields', () => {
    const tc = createTestContext();
    tc.ctx.log.debug('d');
    tc.ctx.log.info('i', { a: 1 });
    tc.ctx.log.warn('w');
    tc.ctx.log.error('e', { err: 'x' });
    expect(tc.logs).toEqual([
      { level: 'debug', message: 'd' },
      { level: 'info', message: 'i', fields: { a: 1 } },
      { level: 'warn', message: 'w' },
      { level: 'error', message: 'e', fields: { err: 'x' } },
    ]);
  });

  it('events() derives envelopes: deterministic ids, correlation, causation, hops + 1', () => {
    const input = createEvent({ type: 'In', data: {}, correlationId: 'corr-1', now: fixedNow });
    const run = () => {
      const tc = createTestContext({ event: input, agent: 'a', now: fixedNow });
      tc.ctx.emit('Out1', { x: 1 });
      tc.ctx.emit('Out2', { x: 2 }, { subject: 'sub' });
      return tc.events();
    };
    const first = run();
    expect(first).toHaveLength(2);
    expect(first[0]).toMatchObject({
      type: 'Out1',
      data: { x: 1 },
      source: 'troupe://agent/a',
      correlationid: 'corr-1',
      causationid: input.id,
      hops: 1,
      time: '2025-01-02T03:04:05.000Z',
    });
    expect(first[1]).toMatchObject({ type: 'Out2', subject: 'sub' });
    expect(first[0]!.traceparent.split('-')[1]).toBe(input.traceparent.split('-')[1]);
    expect(isUuid(first[0]!.id)).toBe(true);
    expect(first[0]!.id).not.toBe(first[1]!.id);
    // A re-run (retry after a crash) produces the same ids.
    expect(run().map((e) => e.id)).toEqual(first.map((e) => e.id));
  });

  it('abort() aborts ctx.signal with the reason', () => {
    const tc = createTestContext();
    tc.abort('shutdown');
    expect(tc.ctx.signal.aborted).toBe(true);
    expect(tc.ctx.signal.reason).toBe('shutdown');
  });
});

describe('runHandler', () => {
  const echo = defineAgent<{ q: string }>(async (event, ctx) => {
    await Promise.resolve();
    ctx.log.info('got', { q: event.data.q });
    ctx.emit('Answered', { a: event.data.q.toUpperCase() });
  });

  it('runs a handler and returns its emissions, envelopes and logs', async () => {
    const r = await runHandler(echo, { type: 'Asked', data: { q: 'hi' }, emits: ['Answered'] });
    expect(r.error).toBeUndefined();
    expect('error' in r).toBe(false);
    expect(r.emitted).toEqual([{ type: 'Answered', data: { a: 'HI' } }]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]!.causationid).toBe(r.context.event.id);
    expect(r.logs).toEqual([{ level: 'info', message: 'got', fields: { q: 'hi' } }]);
    expect(r.context.ctx.signal.aborted).toBe(false);
  });

  it('returns a rejection as error instead of rejecting', async () => {
    const err = new NonRetryableError('bad question');
    const r = await runHandler(async (_e, ctx) => {
      ctx.emit('Partial', 1);
      await Promise.resolve();
      throw err;
    });
    expect(r.error).toBe(err);
    expect(r.emitted).toEqual([{ type: 'Partial', data: 1 }]); // recorded, though not committed
  });

  it('returns a synchronous throw as error', async () => {
    const r = await runHandler(() => {
      throw new Error('sync');
    });
    expect((r.error as Error).message).toBe('sync');
  });

  it('returns an undeclared emission as the handler error', async () => {
    const r = await runHandler((_e, ctx) => ctx.emit('Nope', 1), { emits: ['Yes'] });
    expect((r.error as TroupeError).code).toBe(ErrorCode.UndeclaredEmission);
  });

  it('times out a handler that ignores the signal: HANDLER_TIMEOUT, signal aborted', async () => {
    const started = Date.now();
    const r = await runHandler(() => new Promise<void>(() => {}), { timeoutMs: 50, agent: 'slow' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(2000);
    expect(r.error).toBeInstanceOf(TroupeError);
    expect((r.error as TroupeError).code).toBe(ErrorCode.HandlerTimeout);
    expect((r.error as TroupeError).data).toEqual({ timeoutMs: 50 });
    expect((r.error as TroupeError).message).toBe('handler of slow ran past 50 ms');
    expect(r.context.ctx.signal.aborted).toBe(true);
    expect(r.context.ctx.signal.reason).toBe(r.error);
  });

  it('lets a handler that honours the signal stop early', async () => {
    let sawAbort = false;
    const r = await runHandler(
      (_e, ctx) =>
        new Promise<void>((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(ctx.signal.reason as Error);
          });
        }),
      { timeoutMs: 20 },
    );
    expect(sawAbort).toBe(true);
    expect((r.error as TroupeError).code).toBe(ErrorCode.HandlerTimeout);
  });

  it('does not abort a handler that finishes in time', async () => {
    const r = await runHandler(
      async (_e, ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        ctx.emit('Done', true);
      },
      { timeoutMs: 1000 },
    );
    expect(r.error).toBeUndefined();
    expect(r.context.ctx.signal.aborted).toBe(false);
  });

  it('rejects a non-function handler and a bad timeout (those are test bugs)', async () => {
    await expect(runHandler('x' as never)).rejects.toThrow(TypeError);
    await expect(runHandler(() => {}, { timeoutMs: 0 })).rejects.toThrow(/timeoutMs must be/);
    await expect(runHandler(() => {}, { timeoutMs: 2 ** 31 })).rejects.toThrow(/timeoutMs must be/);
  });
});
