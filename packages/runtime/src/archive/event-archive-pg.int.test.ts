// The event archive on PostgreSQL: a fresh schema per test in the `test` database (env
// PG_URL), dropped afterwards. Skips loudly without PostgreSQL, fails under
// TROUPE_REQUIRE_SERVICES=1.
import { describeWithPostgres, freshPgSchema } from '@troupe/test-support';
import { eventArchiveCases } from './event-archive.cases.js';

describeWithPostgres('event archive on real PostgreSQL', () => {
  eventArchiveCases('PostgreSQL', async () => {
    const schema = await freshPgSchema('archive');
    return {
      options: () => ({
        config: {
          client: 'pg',
          connection: schema.connection,
          searchPath: [...schema.searchPath],
          pool: { min: 0, max: 4 },
        },
      }),
      cleanup: () => schema.drop(),
    };
  });
});
