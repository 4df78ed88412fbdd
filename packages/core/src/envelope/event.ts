// The event envelope: CloudEvents 1.0 in JSON structured mode, with the Troupe extensions
// `correlationid`, `causationid`, `hops` and `traceparent` (DESIGN.md §2). Every transport,
// the archive and every surface move this shape and nothing else.
import { ErrorCode } from '../errors/codes.js';
import { TroupeError } from '../errors/troupe-error.js';
import { deterministicHex, deterministicIdAndSpan, randomHex, uuidv7 } from './ids.js';

/** A CloudEvents 1.0 event as Troupe moves it. `data` is any JSON value. */
export interface CloudEvent<T = unknown> {
  readonly specversion: '1.0';
  /** UUIDv7 for events entering the system; deterministic for handler emissions. */
  readonly id: string;
  /** URI-reference of the producer: `troupe://agent/<name>`, `troupe://cli`, … */
  readonly source: string;
  readonly type: string;
  /** RFC 3339 timestamp of creation. */
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: T;
  /** Inherited unchanged down the whole causal tree. */
  readonly correlationid: string;
  /** Id of the event whose handling emitted this one; absent on entry events. */
  readonly causationid?: string;
  /** 0 for entry events; input hops + 1 for emissions. */
  readonly hops: number;
  /** W3C trace context: `00-<32 hex trace id>-<16 hex span id>-01`. */
  readonly traceparent: string;
  /** Optional CloudEvents `subject`. */
  readonly subject?: string;
}

/** The attributes a CloudEvent must carry, in the order the spec lists them. */
export const CLOUDEVENT_REQUIRED = ['specversion', 'id', 'source', 'type'] as const;

export interface CreateEventInput<T> {
  type: string;
  data: T;
  /** Defaults to `troupe://external`. */
  source?: string;
  /** Defaults to the new event's own id (the event starts a new causal tree). */
  correlationId?: string;
  /** Continue an incoming trace; a fresh one is minted otherwise. */
  traceparent?: string;
  subject?: string;
  /** Injected clock for tests. */
  now?: () => number;
}

const TRACEPARENT_RE = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const ZERO_TRACE_ID = '0'.repeat(32);

function traceIdOf(traceparent: string | undefined): string | undefined {
  if (!traceparent || !TRACEPARENT_RE.test(traceparent)) return undefined;
  const traceId = traceparent.slice(3, 35);
  // W3C trace context: an all-zero trace id is invalid and must not be continued.
  return traceId === ZERO_TRACE_ID ? undefined : traceId;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// Events are minted many per millisecond under load: the RFC 3339 form of the last
// millisecond is kept instead of a Date and a toISOString per event.
let isoMs = Number.NaN;
let isoText = '';
function isoTime(ms: number): string {
  if (ms !== isoMs) {
    isoText = new Date(ms).toISOString();
    isoMs = ms;
  }
  return isoText;
}

/** An event entering the system (published from the CLI, API, MCP or a test). */
export function createEvent<T>(input: CreateEventInput<T>): CloudEvent<T> {
  const nowMs = (input.now ?? Date.now)();
  const id = uuidv7(nowMs);
  const traceId = traceIdOf(input.traceparent) ?? randomHex(16);
  const event: Mutable<CloudEvent<T>> = {
    specversion: '1.0',
    id,
    source: input.source ?? 'troupe://external',
    type: input.type,
    time: isoTime(nowMs),
    datacontenttype: 'application/json',
    data: input.data,
    correlationid: input.correlationId ?? id,
    hops: 0,
    traceparent: `00-${traceId}-${randomHex(8)}-01`,
  };
  // Assigned, not spread in: the same key order, without a temporary object per event.
  if (input.subject !== undefined) event.subject = input.subject;
  return event;
}

export interface DeriveEventInput<T> {
  type: string;
  data: T;
  /** Name of the emitting agent (or aggregator, saga). */
  agent: string;
  /** 0-based position of this emission among the handler's emissions for this input. */
  index: number;
  subject?: string;
  now?: () => number;
}

/**
 * An event emitted while handling `input`. Its id is a pure function of (input id, agent,
 * index): re-running the handler after a crash re-emits the same ids, so downstream consumers
 * deduplicate. Correlation is inherited, causation is the input's id, hops is input hops + 1.
 */
export function deriveEvent<T>(input: CloudEvent, emission: DeriveEventInput<T>): CloudEvent<T> {
  const nowMs = (emission.now ?? Date.now)();
  // The span id comes from the same digest as the id: a pure function of it, like the id.
  const { id, span } = deterministicIdAndSpan(input.id, emission.agent, emission.index);
  const traceId = traceIdOf(input.traceparent) ?? deterministicHex(16, input.correlationid);
  const event: Mutable<CloudEvent<T>> = {
    specversion: '1.0',
    id,
    source: `troupe://agent/${emission.agent}`,
    type: emission.type,
    time: isoTime(nowMs),
    datacontenttype: 'application/json',
    data: emission.data,
    correlationid: input.correlationid,
    causationid: input.id,
    hops: input.hops + 1,
    traceparent: `00-${traceId}-${span}-01`,
  };
  if (emission.subject !== undefined) event.subject = emission.subject;
  return event;
}

/** Structural check of a value received from outside (wire, archive). Returns problems found. */
export function envelopeProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['not an object'];
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  if (v.specversion !== '1.0') problems.push('specversion must be "1.0"');
  for (const k of ['id', 'source', 'type', 'time', 'correlationid', 'traceparent'] as const) {
    if (typeof v[k] !== 'string' || v[k] === '') problems.push(`${k} must be a non-empty string`);
  }
  if (v.causationid !== undefined && typeof v.causationid !== 'string')
    problems.push('causationid must be a string');
  if (v.subject !== undefined && typeof v.subject !== 'string')
    problems.push('subject must be a string');
  // Optional in CloudEvents (parseEvent fills it in); any other content type is not ours.
  if (v.datacontenttype !== undefined && v.datacontenttype !== 'application/json')
    problems.push('datacontenttype must be "application/json"');
  if (typeof v.hops !== 'number' || !Number.isInteger(v.hops) || v.hops < 0)
    problems.push('hops must be a non-negative integer');
  if (!('data' in v)) problems.push('data is missing');
  return problems;
}

/**
 * Parse an envelope from JSON text; throws a plain Error naming the problems. A missing
 * `datacontenttype` (optional in CloudEvents) is filled in as `application/json`.
 */
function invalidEnvelope(problems: string[]): TroupeError {
  return new TroupeError(ErrorCode.EventInvalid, `invalid event envelope: ${problems.join('; ')}`, {
    data: { problems },
    retryable: false,
  });
}

export function parseEvent(json: string): CloudEvent {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw invalidEnvelope([`not JSON (${(e as Error).message})`]);
  }
  const problems = envelopeProblems(value);
  if (problems.length) throw invalidEnvelope(problems);
  const event = value as CloudEvent;
  return event.datacontenttype === undefined
    ? { ...event, datacontenttype: 'application/json' }
    : event;
}
