// Typed access to knex's connection pool: the executors run their own transaction on one pooled
// driver connection (knex types `client` as any).
import type { Knex } from 'knex';

interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

/** Borrow one driver connection from `knex`'s pool for `fn`, and always give it back. */
export async function withConnection<C, T>(
  knex: Knex,
  fn: (connection: C) => Promise<T> | T,
): Promise<T> {
  const pool = knex.client as PoolClient;
  const connection = (await pool.acquireConnection()) as C;
  try {
    return await fn(connection);
  } finally {
    await pool.releaseConnection(connection);
  }
}
