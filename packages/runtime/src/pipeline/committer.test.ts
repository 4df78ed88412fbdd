import {
  DEFAULT_RETRY,
  ErrorCode,
  NonRetryableError,
  TroupeError,
  createEvent,
  deriveEvent,
  serializeError,
  type CloudEvent,
} from '@troupe/core';
import { describe, expect, it } from 'vitest';
import type { Consumer, DeadLetterInfo, Delivery } from '../transport/contract.js';
import { overBudgetError } from '../transport/over-budget.js';
import { createCommitter, deriveEmissions, undeclaredTypes } from './committer.js';
import { checkHops } from './hop-guard.js';
import type { DeadLetteredData } from './system-events.js';

/** A consumer recording settlements; commits count emissions and refuse past `budget`. */
function fakeConsumer(budget: number) {
  let total = 0;
  const calls: {
    op: string;
    delivery: Delivery;
    emissions?: readonly CloudEvent[];
    info?: DeadLetterInfo;
    delayMs?: number;
  }[] = [];
  const consumer: Consumer = {
    fetch: () => Promise.resolve([]),
    commit: (delivery, emissions) => {
      total += emissions.length;
      if (total > budget)
        return Promise.reject(
          overBudgetError({ correlationId: delivery.event.correlationid, budget, total }),
        );
      calls.push({ op: 'commit', delivery, emissions });
      return Promise.resolve('committed');
    },
    retry: (delivery, delayMs) => {
      calls.push({ op: 'retry', delivery, delayMs });
      return Promise.resolve();
    },
    deadLetter: (delivery, info, emissions) => {
      calls.push({ op: 'deadLetter', delivery, info, emissions: emissions ?? [] });
      return Promise.resolve();
    },
    heartbeat: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return { consumer, calls };
}

function setup(budget = 100) {
  const { consumer, calls } = fakeConsumer(budget);
  const committer = createCommitter({
    consumer,
    agent: 'tok',
    nodeId: 'n1',
    emits: new Set(['A', 'B']),
    retry: { ...DEFAULT_RETRY, attempts: 2, jitter: 0, initialDelayMs: 50 },
  });
  const delivery: Delivery = {
    event: createEvent({ type: 'In', data: { x: 1 } }),
    stream: 'In',
    entryId: '1-0',
    attempt: 1,
  };
  return { committer, calls, delivery };
}

describe('committer', () => {
  it('derives deterministic envelopes and commits them with the ack', async () => {
    const { committer, calls, delivery } = setup();
    const r = await committer.succeed(delivery, [
      { type: 'A', data: 1 },
      { type: 'B', data: 2, subject: 's' },
    ]);
    expect(r).toEqual({ settlement: 'committed', handlerOk: true });
    expect(calls).toHaveLength(1);
    const emitted = calls[0]!.emissions!;
    expect(emitted.map((e) => e.id)).toEqual([
      deriveEvent(delivery.event, { agent: 'tok', index: 0, type: 'A', data: 1 }).id,
      deriveEvent(delivery.event, { agent: 'tok', index: 1, type: 'B', data: 2 }).id,
    ]);
    expect(emitted[1]).toMatchObject({
      subject: 's',
      causationid: delivery.event.id,
      hops: 1,
      correlationid: delivery.event.correlationid,
    });
  });

  it('dead-letters undeclared emissions without committing any of them', async () => {
    const { committer, calls, delivery } = setup();
    const r = await committer.succeed(delivery, [
      { type: 'A', data: 1 },
      { type: 'Nope', data: 2 },
    ]);
    expect(r.settlement).toBe('dead-lettered');
    expect(r.handlerOk).toBe(false);
    expect(calls.map((c) => c.op)).toEqual(['deadLetter']);
    expect(calls[0]!.info).toMatchObject({
      reason: 'undeclared-emission',
      attempts: 1,
      error: { code: ErrorCode.UndeclaredEmission, data: { type: 'Nope', declared: ['A', 'B'] } },
    });
    expect(
      undeclaredTypes(
        [
          { type: 'X', data: 0 },
          { type: 'X', data: 0 },
          { type: 'A', data: 0 },
        ],
        new Set(['A']),
      ),
    ).toEqual(['X']);
  });

  it('dead-letters with reason budget and the system event when the correlation is over budget', async () => {
    const { committer, calls, delivery } = setup(1);
    const r = await committer.succeed(delivery, [
      { type: 'A', data: 1 },
      { type: 'A', data: 2 },
    ]);
    expect(r).toMatchObject({ settlement: 'dead-lettered', handlerOk: true });
    expect(calls.map((c) => c.op)).toEqual(['deadLetter']);
    expect(calls[0]!.info!.reason).toBe('budget');
    expect(calls[0]!.emissions!.map((e) => e.type)).toEqual([
      'troupe.budget.exceeded',
      'troupe.deadlettered',
    ]);
  });

  it('passes a commit failure that is not the budget through (the entry stays pending)', async () => {
    const { delivery } = setup();
    const down = new TroupeError(ErrorCode.TransportUnavailable, 'redis down');
    const deadLetters: Delivery[] = [];
    const failing = createCommitter({
      consumer: {
        fetch: () => Promise.resolve([]),
        commit: () => Promise.reject(down),
        retry: () => Promise.resolve(),
        deadLetter: (d) => Promise.resolve(void deadLetters.push(d)),
        heartbeat: () => Promise.resolve(),
        close: () => Promise.resolve(),
      },
      agent: 'tok',
      nodeId: 'n1',
      emits: new Set(['A']),
      retry: DEFAULT_RETRY,
    });
    await expect(failing.succeed(delivery, [{ type: 'A', data: 1 }])).rejects.toBe(down);
    expect(deadLetters).toEqual([]);
  });

  it('retries then dead-letters per the policy, non-retryable at once', async () => {
    const { committer, calls, delivery } = setup();
    const boom = serializeError(new Error('boom'));
    expect(await committer.fail(delivery, boom)).toMatchObject({
      settlement: 'retried',
      handlerOk: false,
    });
    expect(calls[0]).toMatchObject({ op: 'retry', delayMs: 50 });
    expect(await committer.fail({ ...delivery, attempt: 2 }, boom)).toMatchObject({
      settlement: 'dead-lettered',
    });
    expect(calls[1]!.info).toEqual({ reason: 'retries-exhausted', attempts: 2, error: boom });
    const nr = serializeError(new NonRetryableError('bad'));
    await committer.fail(delivery, nr);
    expect(calls[2]!.info).toEqual({ reason: 'non-retryable', attempts: 1, error: nr });
  });

  it('commits filtered deliveries with no emissions', async () => {
    const { committer, calls, delivery } = setup();
    expect(await committer.skip(delivery)).toEqual({ settlement: 'filtered', handlerOk: true });
    expect(calls[0]).toMatchObject({ op: 'commit', emissions: [] });
    expect(deriveEmissions(delivery.event, 'a', [])).toEqual([]);
  });

  describe('troupe.deadlettered', () => {
    it('is appended with every dead letter: same correlation, caused by the event, hops + 1', async () => {
      const { committer, calls, delivery } = setup();
      const event = { ...delivery.event, hops: 3 };
      const nr = serializeError(new NonRetryableError('bad input'));
      await committer.fail({ ...delivery, event }, nr);
      expect(calls).toHaveLength(1);
      const [announced, ...rest] = calls[0]!.emissions!;
      expect(rest).toEqual([]);
      expect(announced).toMatchObject({
        type: 'troupe.deadlettered',
        source: 'troupe://node/n1',
        correlationid: event.correlationid,
        causationid: event.id,
        hops: 4,
      });
      const data: DeadLetteredData = {
        agent: 'tok',
        eventId: event.id,
        type: 'In',
        reason: 'non-retryable',
        attempts: 1,
        error: { code: nr.code, message: 'bad input' },
        emits: ['A', 'B'],
      };
      expect(announced!.data).toEqual(data);
    });

    it('has an id derived from the delivery: the same on a repeat, new for another entry', async () => {
      const { committer, calls, delivery } = setup();
      const boom = serializeError(new Error('boom'));
      await committer.fail({ ...delivery, attempt: 2 }, boom);
      await committer.fail({ ...delivery, attempt: 2 }, boom);
      await committer.fail({ ...delivery, entryId: '9-0', attempt: 2 }, boom);
      const ids = calls.map((c) => c.emissions![0]!.id);
      expect(ids[0]).toBe(ids[1]);
      expect(ids[2]).not.toBe(ids[0]);
      expect(calls[0]!.emissions![0]!.data).toMatchObject({
        reason: 'retries-exhausted',
        attempts: 2,
      });
    });

    it('follows the system event of a guard (hop limit) and of an undeclared emission', async () => {
      const { committer, calls, delivery } = setup();
      const event = { ...delivery.event, hops: 40 };
      const rejection = checkHops(event, 'tok', 32, 'n1')!;
      await committer.reject({ ...delivery, event }, rejection, 0);
      expect(calls[0]!.emissions!.map((e) => e.type)).toEqual([
        'troupe.loop.detected',
        'troupe.deadlettered',
      ]);
      expect(calls[0]!.emissions![1]).toMatchObject({
        hops: 41,
        data: { reason: 'hop-limit', attempts: 0, error: { code: ErrorCode.HopLimit } },
      });
      await committer.succeed(delivery, [{ type: 'Nope', data: 1 }]);
      expect(calls[1]!.emissions!.map((e) => e.type)).toEqual(['troupe.deadlettered']);
      expect(calls[1]!.emissions![0]!.data).toMatchObject({ reason: 'undeclared-emission' });
    });

    it('is not announced when the dead-lettered event is itself a troupe.deadlettered (no storm)', async () => {
      const { committer, calls, delivery } = setup();
      const nr = serializeError(new NonRetryableError('alerting is down'));
      await committer.fail(delivery, nr);
      const announced = calls[0]!.emissions![0]!;
      // An alerting agent subscribed to it fails in turn: its dead letter announces nothing.
      await committer.fail({ ...delivery, event: announced, stream: announced.type }, nr);
      expect(calls[1]).toMatchObject({ op: 'deadLetter', emissions: [] });
    });
  });
});
