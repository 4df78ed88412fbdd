// The Redis key layout of the Redis Streams transport. Everything lives under one namespace
// (default `troupe`) so several systems and test runs share one Redis:
//
//   <ns>:ev:<type>            stream, one per event type; field `e` = the CloudEvent JSON, `i` =
//                             its id (optional: lets the READ script dedupe without decoding);
//                             consumer groups on it are named by the agent; one consumer per node
//   <ns>:retry:<group>        stream private to one group: due retries and redriven dead letters;
//                             fields `e` (event JSON), `a` (attempt of the next delivery), `i`
//   <ns>:retryz:<group>       ZSET of scheduled retries, score = due time (ms, Redis clock);
//                             member = `<nonce>\n<attempt>\n<event JSON>`
//   <ns>:dlq:<group>          dead-letter stream; fields DEAD_LETTER_FIELDS (error/event as JSON)
//   <ns>:done:<group>:<id>    done marker: the group finished event <id> (committed or
//                             dead-lettered); SET NX PX checks and marks in one command and
//                             expires after the dedupe window (memory-bounded)
//   <ns>:corr:<id>            per-correlation event count (INCRBY, expires after the budget window)
//   <ns>:trimfloor            HASH, field = holder (node id of an archiving node), value =
//                             `<floorMs>:<expiresAtMs>` (Redis clock): no event stream is trimmed
//                             at or above a live floor; expired fields are deleted by the trim

export interface KeyLayout {
  readonly ns: string;
  stream(type: string): string;
  retry(group: string): string;
  retryZ(group: string): string;
  dlq(group: string): string;
  /** Prefix of a group's done markers (`<ns>:done:<group>:`); redrive/replay scripts append ids. */
  donePrefix(group: string): string;
  /** The done marker of one event id in one group. */
  done(group: string, eventId: string): string;
  corr(correlationId: string): string;
  /** Trim floors of archiving nodes (decision 0007). */
  readonly trimFloors: string;
  /** The event type of a stream key, or undefined when it is not an event stream. */
  typeOf(streamKey: string): string | undefined;
}

export function keyLayout(ns: string): KeyLayout {
  const ev = `${ns}:ev:`;
  return {
    ns,
    stream: (type) => ev + type,
    retry: (group) => `${ns}:retry:${group}`,
    retryZ: (group) => `${ns}:retryz:${group}`,
    dlq: (group) => `${ns}:dlq:${group}`,
    donePrefix: (group) => `${ns}:done:${group}:`,
    done: (group, eventId) => `${ns}:done:${group}:${eventId}`,
    corr: (id) => `${ns}:corr:${id}`,
    trimFloors: `${ns}:trimfloor`,
    typeOf: (key) => (key.startsWith(ev) ? key.slice(ev.length) : undefined),
  };
}
