// How one flush reaches the database. better-sqlite3 is synchronous, so a flush in the main
// thread is time taken from the event loop (measured: ~45 % of the 1-hop benchmark's wall time).
// An SQLite file the archive opened itself is therefore written by a small worker thread of its
// own (its own connection; WAL lets the main thread read meanwhile), one prepared statement per
// table inside one transaction. A caller-provided SQLite knex (or `:memory:`) is written in this
// thread the same way; PostgreSQL goes through knex (multi-row inserts, asynchronous I/O).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Knex } from 'knex';
import type { ArchiveTables } from './schema.js';

export type Row = Record<string, string | number | boolean | null>;

/** Writes one batch atomically: events (ignoring ids already stored) and outcomes. */
export interface BatchWriter {
  write(events: readonly Row[], outcomes: readonly Row[]): Promise<void>;
  close(): Promise<void>;
}

const CHUNK = 100;

interface SqliteStatement {
  run(params: Row): unknown;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  transaction(fn: () => void): () => void;
}
interface KnexClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(conn: unknown): Promise<unknown>;
}

function insertSql(table: string, columns: readonly string[], orIgnore: boolean): string {
  return `INSERT ${orIgnore ? 'OR IGNORE ' : ''}INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;
}

/** better-sqlite3 binds no booleans: store them as 0 / 1 (what knex does too). */
function bindable(row: Row): Row {
  const out: Row = {};
  for (const k in row) {
    const v = row[k]!;
    out[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  }
  return out;
}

export function batchWriter(
  db: Knex,
  tables: ArchiveTables,
  dialect: string,
  ownFile: string | undefined,
): BatchWriter {
  if (dialect === 'sqlite3' && ownFile !== undefined && ownFile !== ':memory:')
    return workerWriter(ownFile, tables);
  if (dialect === 'sqlite3') {
    const client = db.client as KnexClient;
    const write: BatchWriter['write'] = async (events, outcomes) => {
      const conn = (await client.acquireConnection()) as SqliteDatabase;
      try {
        const insertEvent = events.length
          ? conn.prepare(insertSql(tables.events, Object.keys(events[0]!), true))
          : undefined;
        const insertOutcome = outcomes.length
          ? conn.prepare(insertSql(tables.outcomes, Object.keys(outcomes[0]!), false))
          : undefined;
        conn.transaction(() => {
          for (const e of events) insertEvent!.run(e);
          for (const o of outcomes) insertOutcome!.run(bindable(o));
        })();
      } finally {
        await client.releaseConnection(conn);
      }
    };
    return { write, close: () => Promise.resolve() };
  }
  const write: BatchWriter['write'] = async (events, outcomes) => {
    await db.transaction(async (trx) => {
      for (let i = 0; i < events.length; i += CHUNK)
        await trx(tables.events)
          .insert(events.slice(i, i + CHUNK))
          .onConflict('id')
          .ignore();
      for (let i = 0; i < outcomes.length; i += CHUNK)
        await trx(tables.outcomes).insert(outcomes.slice(i, i + CHUNK));
    });
  };
  return { write, close: () => Promise.resolve() };
}

// The writer thread: plain CommonJS evaluated in a worker (no TypeScript loader needed there).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
parentPort.on('message', (m) => {
  try {
    const ev = m.events.length ? db.prepare(m.eventSql) : undefined;
    const oc = m.outcomes.length ? db.prepare(m.outcomeSql) : undefined;
    db.transaction(() => {
      for (const e of m.events) ev.run(e);
      for (const o of m.outcomes) oc.run(o);
    })();
    parentPort.postMessage({ id: m.id });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message || err) });
  }
});
`;

function workerWriter(filename: string, tables: ArchiveTables): BatchWriter {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, filename } });
  worker.unref();
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let seq = 0;
  let dead: Error | undefined;
  worker.on('message', (m: { id: number; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error === undefined) w?.resolve();
    else w?.reject(new Error(m.error));
  });
  const fail = (err: Error): void => {
    dead = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`archive writer thread exited (code ${code})`)));
  return {
    write(events, outcomes) {
      if (dead) return Promise.reject(dead);
      if (!events.length && !outcomes.length) return Promise.resolve();
      const id = ++seq;
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({
          id,
          events,
          outcomes: outcomes.map(bindable),
          eventSql: events.length ? insertSql(tables.events, Object.keys(events[0]!), true) : '',
          outcomeSql: outcomes.length
            ? insertSql(tables.outcomes, Object.keys(outcomes[0]!), false)
            : '',
        });
      });
    },
    async close() {
      dead ??= new Error('archive writer closed');
      await worker.terminate();
    },
  };
}
