// sql-runner against the sample database: rows come back as QuerySuccess; a refusal, an unknown
// column and a syntax error are QueryError answers with code (and kind); a lost connection or a
// non-SQL failure is thrown so the retry policy applies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, runHandler, TroupeError } from '@troupe/core';
import type { SqlCapability } from '@troupe/core';
import type { SqlClient } from '@troupe/adapters';
import { sampleWarehouse } from './lib/test-db.js';
import handler from './sql-runner.js';

let db: SqlClient;
beforeAll(async () => {
  db = await sampleWarehouse();
});
afterAll(async () => {
  await db.close();
});

const run = (sql: string, warehouse: SqlCapability = db, config = {}) =>
  runHandler(handler, {
    type: 'SQLGenerated',
    data: { sql },
    sql: { warehouse },
    config,
    emits: ['QuerySuccess', 'QueryError'],
  });

describe('sql-runner', () => {
  it('emits QuerySuccess with columns, JSON rows, rowCount and truncated', async () => {
    const { emitted, error } = await run('SELECT name FROM regions ORDER BY name', db, {
      rowLimit: 3,
    });
    expect(error).toBeUndefined();
    expect(emitted).toEqual([
      {
        type: 'QuerySuccess',
        data: {
          sql: 'SELECT name FROM regions ORDER BY name',
          columns: ['name'],
          rows: [{ name: 'Central' }, { name: 'East' }, { name: 'North' }],
          rowCount: 3,
          truncated: true,
        },
      },
    ]);
  });

  it.each([
    ['DROP TABLE orders', ErrorCode.SqlRefused, undefined],
    ['DELETE FROM orders', ErrorCode.SqlRefused, undefined],
    ['SELECT 1; SELECT 2', ErrorCode.SqlRefused, undefined],
    ['SELECT nope FROM regions', ErrorCode.SqlError, 'unknown-column'],
  ])('answers %s with QueryError %s', async (sql, code, kind) => {
    const before = (await db.select('SELECT count(*) AS n FROM orders')).rows[0];
    const { emitted, error } = await run(sql);
    expect(error).toBeUndefined();
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ type: 'QueryError', data: { sql, code } });
    expect((emitted[0]!.data as { kind?: string }).kind).toBe(kind);
    expect((emitted[0]!.data as { message: string }).message.length).toBeGreaterThan(0);
    expect((await db.select('SELECT count(*) AS n FROM orders')).rows[0]).toEqual(before);
  });

  it('throws a lost connection and non-SQL failures (retried, not answered)', async () => {
    const failing = (err: Error): SqlCapability => ({
      dialect: 'sqlite',
      readOnly: true,
      select: () => Promise.reject(err),
    });
    const lost = new TroupeError(ErrorCode.SqlError, 'connection lost', {
      data: { kind: 'connection' },
    });
    expect((await run('SELECT 1', failing(lost))).error).toBe(lost);
    const boom = new Error('boom');
    const r = await run('SELECT 1', failing(boom));
    expect(r.error).toBe(boom);
    expect(r.emitted).toEqual([]);
  });

  it('converts driver values (BigInt, Date, Buffer, objects) to JSON', async () => {
    const fake: SqlCapability = {
      dialect: 'postgresql',
      readOnly: true,
      select: () =>
        Promise.resolve({
          columns: ['n', 'big', 'd', 'b', 'o', 'x'],
          rows: [
            {
              n: 12n,
              big: 2n ** 70n,
              d: new Date(0),
              b: Buffer.from('hi'),
              o: { a: 1 },
              x: undefined,
            },
          ],
          rowCount: 1,
          truncated: false,
        }),
    };
    const { emitted } = await run('SELECT 1', fake);
    expect((emitted[0]!.data as { rows: unknown[] }).rows).toEqual([
      {
        n: 12,
        big: '1180591620717411303424',
        d: '1970-01-01T00:00:00.000Z',
        b: '\\x6869',
        o: '{"a":1}',
        x: null,
      },
    ]);
  });
});
