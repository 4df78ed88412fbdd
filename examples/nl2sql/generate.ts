// The sample sales database of the nl2sql example: `generateSalesDatabase()` writes the
// deterministic data set of sales-data.ts to an SQLite file (the embedded default) or into a
// PostgreSQL schema (same tables, same rows). Also a CLI:
//   pnpm exec tsx examples/nl2sql/generate.ts [--out examples/nl2sql/sales.db] [--seed N]
//     [--anchor YYYY-MM-DD] [--orders N] [--pg URL --schema S [--replace]]
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSqlConnection } from '@troupe/adapters';
import type { SqlClient } from '@troupe/adapters';
import {
  DEFAULT_ANCHOR_DATE,
  SALES_TABLES,
  generateSalesData,
  salesChecksum,
} from './sales-data.js';
import type { SalesDataOptions, SalesTable } from './sales-data.js';
import { dropSalesSchema, existingSalesTables, writeSalesData } from './sales-writer.js';

export * from './sales-data.js';
export { createSalesSchema, readSalesTables } from './sales-writer.js';

/** Where the SQLite file goes by default: beside this module. */
export const DEFAULT_SQLITE_PATH = resolve(dirname(fileURLToPath(import.meta.url)), 'sales.db');

export interface PostgresTarget {
  /** Connection URL of the database. */
  url: string;
  /** Schema to create the tables in (created if missing). Default `public`. */
  schema?: string;
  /** Drop the five sales tables first if they exist. Default false: existing tables are an error. */
  replace?: boolean;
}

export interface GenerateOptions extends SalesDataOptions {
  /** SQLite file to (re)write. Default: examples/nl2sql/sales.db. Ignored when `pg` is set. */
  out?: string;
  /** Load into PostgreSQL instead of SQLite. */
  pg?: PostgresTarget;
}

export interface GenerateResult {
  /** `sqlite:<path>` or `postgresql:<schema>`. */
  target: string;
  /** Rows per table. */
  counts: Record<SalesTable, number>;
  /** `salesChecksum` of the data written. */
  checksum: string;
  /** First and last order date (the anchor). */
  dateRange: [string, string];
}

function pgUrlWithSchema(url: string, schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema))
    throw new RangeError(`schema must be a plain identifier, got ${JSON.stringify(schema)}`);
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

async function withClient<T>(client: SqlClient, fn: (c: SqlClient) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** Generate the data set and write it. The SQLite file is replaced atomically (temp + rename). */
export async function generateSalesDatabase(
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const data = generateSalesData(options);
  const counts = Object.fromEntries(SALES_TABLES.map((t) => [t, data[t].length])) as Record<
    SalesTable,
    number
  >;
  const result = {
    counts,
    checksum: salesChecksum(data),
    dateRange: [data.orders[0]!.order_date, options.anchorDate ?? DEFAULT_ANCHOR_DATE] as [
      string,
      string,
    ],
  };
  if (options.pg !== undefined) {
    const schema = options.pg.schema ?? 'public';
    const admin = createSqlConnection({ type: 'sql', client: 'pg', connection: options.pg.url });
    await withClient(admin, (c) => c.raw.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]));
    const url = pgUrlWithSchema(options.pg.url, schema);
    await withClient(
      createSqlConnection({ type: 'sql', client: 'pg', connection: url }),
      async (c) => {
        if (options.pg?.replace === true) await dropSalesSchema(c.raw);
        const existing = await existingSalesTables(c.raw);
        if (existing.length > 0)
          throw new Error(
            `schema ${schema} already has ${existing.join(', ')}: pass --replace (replace: true) to drop them`,
          );
        await writeSalesData(c.raw, data);
      },
    );
    return { target: `postgresql:${schema}`, ...result };
  }
  const out = resolve(options.out ?? DEFAULT_SQLITE_PATH);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  try {
    const client = createSqlConnection({
      type: 'sql',
      client: 'sqlite',
      connection: { filename: tmp },
    });
    await withClient(client, (c) => writeSalesData(c.raw, data));
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { target: `sqlite:${out}`, ...result };
}

/** Write the default SQLite database unless the file already exists. Returns its path. */
export async function ensureSampleDatabase(path = DEFAULT_SQLITE_PATH): Promise<string> {
  if (!existsSync(path)) await generateSalesDatabase({ out: path });
  return path;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      anchor: { type: 'string' },
      orders: { type: 'string' },
      pg: { type: 'string' },
      schema: { type: 'string' },
      replace: { type: 'boolean' },
    },
    strict: true,
  });
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new RangeError(`--${name} must be a whole number, got ${v}`);
    return Number(v);
  };
  const seed = num(values.seed, 'seed');
  const orders = num(values.orders, 'orders');
  const result = await generateSalesDatabase({
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(seed === undefined ? {} : { seed }),
    ...(orders === undefined ? {} : { orders }),
    ...(values.anchor === undefined ? {} : { anchorDate: values.anchor }),
    ...(values.pg === undefined
      ? {}
      : {
          pg: {
            url: values.pg,
            ...(values.schema === undefined ? {} : { schema: values.schema }),
            replace: values.replace === true,
          },
        }),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`generate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
}
