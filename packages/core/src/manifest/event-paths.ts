// Paths into an event, shared by `where` filters and argument templates: dot-separated from
// the CloudEvent root (DESIGN.md §2), e.g. `data.dialect`, `correlationid`, `data.items.0`.

/** Envelope attributes a path may start with. */
export const EVENT_ROOTS = [
  'data',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'specversion',
  'datacontenttype',
  'correlationid',
  'causationid',
  'hops',
  'traceparent',
] as const;

/** One segment after the root: letters, digits, '_' or '-' (array indexes are digits). */
export const PATH_SEGMENT = /^[A-Za-z0-9_-]+$/;
