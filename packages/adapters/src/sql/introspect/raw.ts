// One typed door for the trusted, driver-shaped results of knex.raw (typed `any` by knex):
// each caller states the shape its driver returns.
import type { Knex } from 'knex';

/** Run trusted SQL through knex and type its driver-specific result as `T`. */
export async function rawAs<T>(
  knex: Knex,
  sql: string,
  bindings: readonly Knex.RawBinding[] = [],
): Promise<T> {
  const result: unknown = await knex.raw(sql, bindings);
  return result as T;
}
