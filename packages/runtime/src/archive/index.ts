// The event archive (SQL via knex: SQLite by default, PostgreSQL), traces by correlation id and
// their terminal rendering, and replay of archived events to one agent. Decision record:
// docs/decisions/0004-coordination.md.
export { EVENT_ARCHIVE_DEFAULTS, EventArchive, createEventArchive } from './event-archive.js';
export type {
  ArchiveQuery,
  ArchiveStats,
  ArchivedOutcome,
  EventArchiveOptions,
} from './event-archive.js';
export { archivedTransport } from './archive-transport.js';
export { buildTrace } from './trace.js';
export type { Trace, TraceAttempt, TraceDeadLetter, TraceHandling, TraceNode } from './trace.js';
export { renderTraceTree } from './render-trace.js';
export { replayFromArchive } from './replay.js';
export type { ReplayOptions, ReplayResult, ReplayedEvent } from './replay.js';
export { archiveListener, replayToAgent, traceFromArchive, withArchive } from './runtime-hooks.js';
