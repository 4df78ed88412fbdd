// The nl2sql system's event data (issue "[nl2sql]"; names and fields are a contract, mirrored by
// the EventType schemas in manifests/nl2sql.yaml), the workspace keys its agents share under the
// correlation id, and the agents' config with defaults.

export interface QueryReceived {
  question: string;
}

export interface SQLGenerated {
  /** Absent when SQL is published directly. */
  question?: string;
  sql: string;
  /** The dialect the SQL was written for; the runner's connection decides what runs. */
  dialect?: string;
}

export interface SQLGenerationError {
  question: string;
  reason: string;
}

export interface ClarificationRequested {
  question: string;
  /** What to ask the user; answer by publishing QueryReceived again in the same correlation. */
  ask: string;
}

export interface QuerySuccess {
  sql: string;
  columns: string[];
  rows: Record<string, unknown>[];
  rowCount: number;
  truncated: boolean;
}

export interface QueryError {
  sql: string;
  /** SQL_REFUSED, SQL_TIMEOUT or SQL_ERROR. */
  code: string;
  message: string;
  /** SQL_ERROR's `data.kind` (unknown-column, unknown-table, syntax, connection, other). */
  kind?: string;
}

export interface SQLRepairRequested {
  question: string;
  /** The SQL that failed. */
  sql: string;
  /** The database's or guard's message. */
  error: string;
  code: string;
  kind?: string;
  /** 1 for the first repair of this correlation. */
  attempt: number;
}

/** Type of one result column, inferred from its values. */
export type ColumnType = 'number' | 'date' | 'string' | 'boolean' | 'empty';

export interface ResultsReady {
  question: string;
  sql: string;
  columns: string[];
  rows: Record<string, unknown>[];
  /** One entry per column, in order. */
  schema: { name: string; type: ColumnType }[];
  truncated?: boolean;
}

export interface ResultsRendered {
  /** The whole report page (cell values escaped). */
  html: string;
  chartSvg?: string;
  /** Absolute path of the written report file. */
  reportPath?: string;
  /** For consoles (the demo prints the table from these). */
  question?: string;
  sql?: string;
  columns?: string[];
  rows?: Record<string, unknown>[];
  chart?: 'bar' | 'line' | 'none';
}

/** Workspace keys, scoped to the correlation id. */
export const WS = {
  /** `{ question }`, written by sql-agent, read by sql-repair and result-integrator. */
  question: 'nl2sql/question',
  /** `{ count, seen: eventIds }`, written by sql-repair. */
  repairs: 'nl2sql/repairs',
} as const;

/** The agents' `spec.config` (all optional). */
export interface Nl2SqlConfig extends Record<string, unknown> {
  /** SQL connection name. Default `warehouse`. */
  warehouse?: string;
  /** LLM connection name. Default `llm`. */
  llm?: string;
  /** Rows a query returns at most. Default 1000. */
  rowLimit?: number;
  /** Repairs per correlation id (sql-repair). Default 2. */
  maxRepairs?: number;
  /** Where ui-renderer writes reports, relative to the working directory. Default `.troupe/reports`. */
  reportsDir?: string;
  /** Rows shown in the report's table. Default 500. */
  maxTableRows?: number;
}

export const DEFAULTS = {
  warehouse: 'warehouse',
  llm: 'llm',
  rowLimit: 1000,
  maxRepairs: 2,
  reportsDir: '.troupe/reports',
  maxTableRows: 500,
} as const;
