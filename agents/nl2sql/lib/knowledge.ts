// What sql-agent knows about a warehouse: its introspected schema, the anchor date ("today" for
// relative windows: the latest date in the data) and the offline translator built from both.
// Built once per connection object and kept for the worker thread's life (the runtime reuses the
// connection, so the cache is hit by every later question). Introspection reads through the
// connection's trusted knex, never through model output.
import { NonRetryableError } from '@troupe/core';
import type { SqlCapability } from '@troupe/core';
import { createOfflineTranslator, discoverTranslatorInputs, introspect } from '@troupe/adapters';
import type { Introspectable, OfflineTranslator, SchemaInfo } from '@troupe/adapters';

export interface Knowledge {
  readonly schema: SchemaInfo;
  readonly anchorDate?: string;
  /** Built on first use (the LLM path never needs it). */
  offline(): OfflineTranslator;
}

const cache = new WeakMap<SqlCapability, Promise<Knowledge>>();

/** The connection as something introspection can read (the runtime's SqlClient is). */
function introspectable(db: SqlCapability, name: string): Introspectable {
  const raw = (db as Partial<Introspectable>).raw;
  if (raw === undefined)
    throw new NonRetryableError(
      `connection ${name} cannot be introspected: sql-agent needs an SqlClient of @troupe/adapters`,
    );
  return { dialect: db.dialect, raw };
}

/** A SQLite file that cannot be opened will not appear by retrying: say what to do instead. */
function explain(err: unknown, db: SqlCapability, name: string): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (db.dialect !== 'sqlite' || !/(cannot|unable to) open database/i.test(message)) return err;
  return new NonRetryableError(
    `connection ${name}: ${message} (the sample database is created by \`pnpm demo\` or \`pnpm exec tsx examples/nl2sql/generate.ts\`)`,
    { cause: err },
  );
}

async function build(db: SqlCapability, name: string): Promise<Knowledge> {
  const client = introspectable(db, name);
  const schema = await introspect(client).catch((err: unknown) => {
    throw explain(err, db, name);
  });
  const inputs = await discoverTranslatorInputs(client, schema);
  let translator: OfflineTranslator | undefined;
  return {
    schema,
    ...(inputs.anchorDate === undefined ? {} : { anchorDate: inputs.anchorDate }),
    offline: () => (translator ??= createOfflineTranslator(schema, inputs)),
  };
}

/** The knowledge of connection `name`, built once per connection object. */
export function knowledgeOf(db: SqlCapability, name: string): Promise<Knowledge> {
  let known = cache.get(db);
  if (known === undefined) {
    known = build(db, name);
    // A failed build (database briefly unavailable) is retried by the next event.
    known.catch(() => cache.delete(db));
    cache.set(db, known);
  }
  return known;
}
