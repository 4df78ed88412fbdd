// The workspace conformance suite on PostgreSQL: a fresh schema per test in the `test`
// database (env PG_URL), dropped afterwards; two store instances are two knex pools.
import { describeWithPostgres, freshPgSchema } from '@troupe/test-support';
import { runWorkspaceConformance } from './conformance.js';
import { createSqlWorkspaceStore } from './sql-store.js';

runWorkspaceConformance(
  'postgres',
  async () => {
    const schema = await freshPgSchema('workspace');
    return {
      open: (o) =>
        createSqlWorkspaceStore({
          ...o,
          config: {
            client: 'pg',
            connection: schema.connection,
            searchPath: [...schema.searchPath],
            pool: { min: 0, max: 4 },
          },
        }),
      cleanup: () => schema.drop(),
    };
  },
  { describe: describeWithPostgres },
);
