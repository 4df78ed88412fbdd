// Writes the sample sales data into a database through the trusted knex of a `SqlClient`: the
// same schema (primary keys, foreign keys, indexes) and the same rows for SQLite and PostgreSQL.
// This is platform code writing its own data, so it uses `raw`, never the read-only guard.
import type { SqlClient } from '@troupe/adapters';
import type { SalesData } from './sales-data.js';
import { SALES_TABLES } from './sales-data.js';

type Knex = SqlClient['raw'];

/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const BATCH = 400;

/** Create the five tables (parent first). Fails if any of them exists. */
export async function createSalesSchema(knex: Knex): Promise<void> {
  await knex.schema.createTable('regions', (t) => {
    t.integer('id').primary();
    t.string('name', 40).notNullable().unique();
  });
  await knex.schema.createTable('customers', (t) => {
    t.integer('id').primary();
    t.string('name', 80).notNullable().unique();
    t.integer('region_id').notNullable().references('id').inTable('regions');
    t.string('segment', 40).notNullable();
  });
  await knex.schema.createTable('products', (t) => {
    t.integer('id').primary();
    t.string('name', 80).notNullable().unique();
    t.string('category', 40).notNullable();
    t.decimal('unit_price', 10, 2).notNullable();
  });
  await knex.schema.createTable('orders', (t) => {
    t.integer('id').primary();
    t.integer('customer_id').notNullable().references('id').inTable('customers');
    t.date('order_date').notNullable().index();
    t.string('status', 20).notNullable();
  });
  await knex.schema.createTable('order_lines', (t) => {
    t.integer('id').primary();
    t.integer('order_id').notNullable().references('id').inTable('orders').index();
    t.integer('product_id').notNullable().references('id').inTable('products');
    t.integer('quantity').notNullable();
    t.decimal('unit_price', 10, 2).notNullable();
    t.decimal('discount', 4, 2).notNullable();
  });
}

/** Tables of the sales schema that already exist in the connection's schema. */
export async function existingSalesTables(knex: Knex): Promise<string[]> {
  const found: string[] = [];
  for (const table of SALES_TABLES) if (await knex.schema.hasTable(table)) found.push(table);
  return found;
}

/** Drop the five tables (child first) if they exist. */
export async function dropSalesSchema(knex: Knex): Promise<void> {
  for (const table of [...SALES_TABLES].reverse()) await knex.schema.dropTableIfExists(table);
}

/** Create the schema and insert every row in one transaction. */
export async function writeSalesData(knex: Knex, data: SalesData): Promise<void> {
  await knex.transaction(async (trx) => {
    await createSalesSchema(trx);
    for (const table of SALES_TABLES) {
      const rows = data[table] as readonly object[];
      for (let i = 0; i < rows.length; i += BATCH)
        await trx(table).insert(rows.slice(i, i + BATCH));
    }
  });
}

/** Read every table back in id order (for checksums and tests). */
export async function readSalesTables(knex: Knex): Promise<Record<string, object[]>> {
  const out: Record<string, object[]> = {};
  for (const table of SALES_TABLES)
    out[table] = (await knex(table).select('*').orderBy('id')) as object[];
  return out;
}
