// The envelope: createEvent and deriveEvent fields (ids, correlation, causation, hops, trace
// context, time), and the structural checks of envelopes received from outside.
import { describe, expect, it } from 'vitest';
import {
  CLOUDEVENT_REQUIRED,
  createEvent,
  deriveEvent,
  envelopeProblems,
  parseEvent,
} from './event.js';
import type { CloudEvent } from './event.js';
import { deterministicId, isUuid } from './ids.js';
import { TroupeError } from '../errors/troupe-error.js';

const T0 = Date.UTC(2030, 5, 1, 12, 0, 0, 250);
const now = (): number => T0;
const TRACEPARENT_RE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const traceId = (e: CloudEvent): string => TRACEPARENT_RE.exec(e.traceparent)![1]!;
const spanId = (e: CloudEvent): string => TRACEPARENT_RE.exec(e.traceparent)![2]!;

describe('createEvent', () => {
  it('builds an entry event with the CloudEvents attributes and defaults', () => {
    const e = createEvent({ type: 'QueryReceived', data: { question: 'q' }, now });
    expect(e).toEqual({
      specversion: '1.0',
      id: e.id,
      source: 'troupe://external',
      type: 'QueryReceived',
      time: '2030-06-01T12:00:00.250Z',
      datacontenttype: 'application/json',
      data: { question: 'q' },
      correlationid: e.id,
      hops: 0,
      traceparent: e.traceparent,
    });
    expect(isUuid(e.id)).toBe(true);
    expect(e.id[14]).toBe('7');
    expect(e.traceparent).toMatch(TRACEPARENT_RE);
    expect('causationid' in e).toBe(false);
    expect('subject' in e).toBe(false);
    for (const k of CLOUDEVENT_REQUIRED) expect(e[k]).toBeTruthy();
  });

  it('stamps the time of its own clock reading, millisecond after millisecond', () => {
    const times = [T0, T0, T0 + 1, T0 - 5000, T0 + 1].map(
      (ms) => createEvent({ type: 'T', data: 1, now: () => ms }).time,
    );
    expect(times).toEqual(
      [T0, T0, T0 + 1, T0 - 5000, T0 + 1].map((ms) => new Date(ms).toISOString()),
    );
    const derived = deriveEvent(createEvent({ type: 'T', data: 1, now }), {
      type: 'O',
      data: 2,
      agent: 'a',
      index: 0,
      now: () => T0 + 7,
    });
    expect(derived.time).toBe(new Date(T0 + 7).toISOString());
    expect(() => createEvent({ type: 'T', data: 1, now: () => Number.NaN })).toThrow(RangeError);
  });

  it('puts subject last, as the attributes were always ordered', () => {
    expect(Object.keys(createEvent({ type: 'T', data: 1, subject: 's' })).at(-1)).toBe('subject');
  });

  it('takes source, correlation id and subject', () => {
    const e = createEvent({
      type: 'T',
      data: null,
      source: 'troupe://cli',
      correlationId: 'c-1',
      subject: 'orders/7',
    });
    expect(e.source).toBe('troupe://cli');
    expect(e.correlationid).toBe('c-1');
    expect(e.subject).toBe('orders/7');
  });

  it('gives each event its own id, trace and span', () => {
    const a = createEvent({ type: 'T', data: 1 });
    const b = createEvent({ type: 'T', data: 1 });
    expect(a.id).not.toBe(b.id);
    expect(a.id < b.id).toBe(true);
    expect(traceId(a)).not.toBe(traceId(b));
    expect(spanId(a)).not.toBe(spanId(b));
  });

  it('continues an incoming trace: same trace id, new span id', () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const e = createEvent({ type: 'T', data: 1, traceparent: incoming });
    expect(traceId(e)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(spanId(e)).not.toBe('00f067aa0ba902b7');
  });

  it.each([
    'garbage',
    '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // unknown version
    '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', // uppercase
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // all-zero trace id is invalid
    '',
  ])('mints a fresh trace for an invalid traceparent %j', (bad) => {
    const e = createEvent({ type: 'T', data: 1, traceparent: bad });
    expect(e.traceparent).toMatch(TRACEPARENT_RE);
    expect(traceId(e)).not.toBe('0'.repeat(32));
    expect(bad).not.toContain(traceId(e));
  });
});

describe('deriveEvent', () => {
  const input = createEvent({
    type: 'In',
    data: { n: 1 },
    correlationId: 'corr-9',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    now,
  });

  it('inherits correlation, sets causation to the input id and hops + 1', () => {
    const out = deriveEvent(input, { type: 'Out', data: { m: 2 }, agent: 'a', index: 0, now });
    expect(out).toMatchObject({
      specversion: '1.0',
      source: 'troupe://agent/a',
      type: 'Out',
      time: '2030-06-01T12:00:00.250Z',
      datacontenttype: 'application/json',
      data: { m: 2 },
      correlationid: 'corr-9',
      causationid: input.id,
      hops: 1,
    });
    const again = deriveEvent(out, { type: 'Out2', data: 0, agent: 'b', index: 0 });
    expect(again.hops).toBe(2);
    expect(again.correlationid).toBe('corr-9');
    expect(again.causationid).toBe(out.id);
  });

  it('has the deterministic id of (input id, agent, index)', () => {
    const out = deriveEvent(input, { type: 'Out', data: 1, agent: 'a', index: 2 });
    expect(out.id).toBe(deterministicId(input.id, 'a', 2));
    expect(out.id[14]).toBe('8');
  });

  it('re-emits identical ids and trace context on a re-run; differs by agent and index', () => {
    const run = () =>
      [0, 1].map((index) => deriveEvent(input, { type: 'Out', data: {}, agent: 'a', index }));
    const [a0, a1] = run();
    const [b0, b1] = run();
    expect([b0!.id, b1!.id]).toEqual([a0!.id, a1!.id]);
    expect(b0!.traceparent).toBe(a0!.traceparent);
    expect(a0!.id).not.toBe(a1!.id);
    const other = deriveEvent(input, { type: 'Out', data: {}, agent: 'z', index: 0 });
    expect(other.id).not.toBe(a0!.id);
  });

  it('keeps the trace id of the input with a span id of its own', () => {
    const out = deriveEvent(input, { type: 'Out', data: 1, agent: 'a', index: 0 });
    expect(traceId(out)).toBe(traceId(input));
    expect(spanId(out)).not.toBe(spanId(input));
  });

  it('derives a stable trace id from the correlation when the input has no valid trace', () => {
    const noTrace = { ...input, traceparent: 'broken' };
    const a = deriveEvent(noTrace, { type: 'Out', data: 1, agent: 'a', index: 0 });
    const b = deriveEvent(noTrace, { type: 'Out', data: 1, agent: 'b', index: 0 });
    expect(a.traceparent).toMatch(TRACEPARENT_RE);
    expect(traceId(a)).toBe(traceId(b));
  });

  it('carries the subject only when given', () => {
    expect('subject' in deriveEvent(input, { type: 'O', data: 1, agent: 'a', index: 0 })).toBe(
      false,
    );
    expect(
      deriveEvent(input, { type: 'O', data: 1, agent: 'a', index: 0, subject: 's' }).subject,
    ).toBe('s');
  });
});

describe('envelopeProblems', () => {
  const good = createEvent({ type: 'T', data: { x: 1 } });

  it('finds nothing wrong with created and derived events, or their JSON copies', () => {
    const derived = deriveEvent(good, { type: 'U', data: null, agent: 'a', index: 0 });
    for (const e of [good, derived]) {
      expect(envelopeProblems(e)).toEqual([]);
      expect(envelopeProblems(JSON.parse(JSON.stringify(e)))).toEqual([]);
    }
  });

  it.each([null, 'string', 42, [good]])('rejects a non-object %j', (v) => {
    expect(envelopeProblems(v)).toEqual(['not an object']);
  });

  it.each([
    [{ specversion: '0.3' }, 'specversion must be "1.0"'],
    [{ id: '' }, 'id must be a non-empty string'],
    [{ id: 7 }, 'id must be a non-empty string'],
    [{ source: undefined }, 'source must be a non-empty string'],
    [{ type: null }, 'type must be a non-empty string'],
    [{ time: 0 }, 'time must be a non-empty string'],
    [{ correlationid: '' }, 'correlationid must be a non-empty string'],
    [{ traceparent: 1 }, 'traceparent must be a non-empty string'],
    [{ causationid: 5 }, 'causationid must be a string'],
    [{ subject: {} }, 'subject must be a string'],
    [{ datacontenttype: 'text/plain' }, 'datacontenttype must be "application/json"'],
    [{ hops: -1 }, 'hops must be a non-negative integer'],
    [{ hops: 1.5 }, 'hops must be a non-negative integer'],
    [{ hops: '1' }, 'hops must be a non-negative integer'],
  ])('reports %j', (patch, problem) => {
    expect(envelopeProblems({ ...good, ...patch })).toEqual([problem]);
  });

  it('reports missing data, but accepts data: null', () => {
    const { data: _data, ...rest } = good;
    expect(envelopeProblems(rest)).toEqual(['data is missing']);
    expect(envelopeProblems({ ...good, data: null })).toEqual([]);
  });

  it('reports every problem at once', () => {
    expect(envelopeProblems({ specversion: '1.0' })).toHaveLength(8);
  });
});

describe('parseEvent', () => {
  it('round-trips a created event through JSON', () => {
    const e = createEvent({ type: 'T', data: { a: [1, 'two'] }, subject: 's' });
    expect(parseEvent(JSON.stringify(e))).toEqual(e);
  });

  it('fills in a missing datacontenttype', () => {
    const { datacontenttype: _d, ...rest } = createEvent({ type: 'T', data: 1 });
    expect(parseEvent(JSON.stringify(rest)).datacontenttype).toBe('application/json');
  });

  it('names the problems of an invalid envelope', () => {
    expect(() => parseEvent(JSON.stringify({ specversion: '1.0', hops: 0, data: 1 }))).toThrow(
      /^invalid event envelope: id must be a non-empty string; source must be/,
    );
  });

  it('says when the text is not JSON', () => {
    expect(() => parseEvent('{nope')).toThrow(/^invalid event envelope: not JSON \(/);
  });

  it('throws a typed, non-retryable EVENT_INVALID listing the problems', () => {
    let caught: unknown;
    try {
      parseEvent(JSON.stringify({ specversion: '1.0', hops: 0, data: 1 }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TroupeError);
    expect(caught).toMatchObject({ code: 'EVENT_INVALID', retryable: false });
    const { problems } = (caught as TroupeError).data as { problems: string[] };
    expect(problems.length).toBeGreaterThan(1);
    expect(problems[0]).toBe('id must be a non-empty string');
  });
});
