// Test helper: the sample sales database (generated on first use) behind a real guarded
// SqlClient, as the runtime would hand it to `ctx.sql('warehouse')`.
import { createSqlConnection } from '@troupe/adapters';
import type { SqlClient } from '@troupe/adapters';
import { ensureSampleDatabase } from '../../../examples/nl2sql/generate.js';

export async function sampleWarehouse(): Promise<SqlClient> {
  const filename = await ensureSampleDatabase();
  return createSqlConnection({
    type: 'sql',
    client: 'sqlite',
    connection: { filename },
    readOnly: true,
  });
}
