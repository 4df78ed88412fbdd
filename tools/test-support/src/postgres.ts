// Real-PostgreSQL helpers: a probe, the gated `describeWithPostgres`, and `freshPgSchema()`,
// a uniquely named schema per test in the shared `test` database so tests never see each
// other's tables. `pg` ships no types, so the few calls used here are typed locally.
import { randomBytes } from 'node:crypto';
import { describeWithService } from './describe-with.js';
import { pgUrl } from './env.js';

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): void;
}
interface PgModule {
  Client: new (config: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient;
}

async function loadPg(): Promise<PgModule> {
  const specifier = 'pg';
  const mod = (await import(specifier)) as { default?: PgModule } & PgModule;
  return mod.default ?? mod;
}

async function withClient<T>(
  url: string,
  fn: (client: PgClient) => Promise<T>,
  timeoutMs = 2000,
): Promise<T> {
  const { Client } = await loadPg();
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {
    // Surfaced by the failing query.
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when PostgreSQL at `url` answers `SELECT 1` within about a second. Never throws. */
export async function pgAvailable(url = pgUrl()): Promise<boolean> {
  try {
    await withClient(url, (c) => c.query('SELECT 1'), 1000);
    return true;
  } catch {
    return false;
  }
}

const pgUp = await pgAvailable();

/** `describe` that runs when PostgreSQL answers; skips loudly otherwise (fails when required). */
export function describeWithPostgres(name: string, fn: () => void): void {
  describeWithService('PostgreSQL', pgUrl(), pgUp, name, fn);
}

export interface PgSchema {
  /** The schema name, `t_<label>_<hex>`. */
  readonly schema: string;
  /** Connection string whose sessions default to `search_path=<schema>`. */
  readonly url: string;
  /** knex / pg connection settings for the same database. */
  readonly connection: { readonly connectionString: string };
  /** `searchPath` for knex (`{ client: 'pg', connection, searchPath }`). */
  readonly searchPath: readonly string[];
  /** DROP SCHEMA … CASCADE. Idempotent. */
  drop(): Promise<void>;
}

/** Create a uniquely named schema in the test database (env `PG_URL`, default `test` on 127.0.0.1). */
export async function freshPgSchema(label = 'test', baseUrl = pgUrl()): Promise<PgSchema> {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  const schema = `t_${safeLabel}_${randomBytes(4).toString('hex')}`;
  await withClient(baseUrl, (c) => c.query(`CREATE SCHEMA "${schema}"`));
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  let dropped = false;
  return {
    schema,
    url: url.toString(),
    connection: { connectionString: url.toString() },
    searchPath: [schema],
    async drop() {
      if (dropped) return;
      dropped = true;
      await withClient(baseUrl, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
}
