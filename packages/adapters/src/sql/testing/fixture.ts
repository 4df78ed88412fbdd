// Fixture schema and data for the SQL adapter's tests, written through a trusted knex, and a
// checksum of everything a dangerous statement could change (rows of every table and the list
// of objects in the schema). Test-only: not exported from the package.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/** Create regions / customers / orders / secrets and fill them. */
export async function createFixture(knex: Knex): Promise<void> {
  await knex.schema.createTable('regions', (t) => {
    t.integer('id').primary();
    t.string('name').notNullable();
  });
  await knex.schema.createTable('customers', (t) => {
    t.integer('id').primary();
    t.string('name').notNullable();
    t.integer('region_id').references('id').inTable('regions');
  });
  await knex.schema.createTable('orders', (t) => {
    t.integer('id').primary();
    t.integer('customer_id').notNullable().references('id').inTable('customers');
    t.integer('amount').notNullable();
    t.string('note');
  });
  await knex.schema.createTable('secrets', (t) => {
    t.integer('id').primary();
    t.string('secret');
  });
  await knex('regions').insert([
    { id: 1, name: 'north' },
    { id: 2, name: 'south' },
    { id: 3, name: 'east' },
  ]);
  await knex('customers').insert([
    { id: 1, name: 'Ada', region_id: 1 },
    { id: 2, name: 'Bo', region_id: 2 },
    { id: 3, name: 'Cy', region_id: 1 },
    { id: 4, name: 'Di', region_id: 3 },
  ]);
  const orders = Array.from({ length: 12 }, (_, i) => ({
    id: i + 1,
    customer_id: (i % 4) + 1,
    amount: 10 + ((i * 37) % 90),
    note:
      i === 2 ? 'please delete me' : i === 5 ? 'update orders set amount = 0' : `order ${i + 1}`,
  }));
  await knex('orders').insert(orders);
  await knex('secrets').insert([{ id: 1, secret: 'hunter2' }]);
}

/** Tables whose rows are checksummed. */
export const FIXTURE_TABLES = ['regions', 'customers', 'orders', 'secrets'] as const;

/** sha256 over every row of every fixture table plus the given object listing. */
export async function checksum(knex: Knex, objects: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const table of FIXTURE_TABLES) {
    const rows: unknown = await knex(table).select('*').orderBy('id');
    hash.update(table).update(JSON.stringify(rows));
  }
  hash.update(JSON.stringify([...objects].sort()));
  return hash.digest('hex');
}
