// Argument checking of the workspace: scope forms, tag normalization, JSON encoding and its
// size cap, limits, and store options, each failure naming its field.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { ErrorCode, TroupeError } from '@troupe/core';
import {
  compareBytes,
  encodeJson,
  matchesText,
  normalizeScope,
  normalizeSearchScope,
  normalizeTags,
  resolveLimit,
  resolveWorkspaceStoreOptions,
} from './options.js';
import { createRedisWorkspaceStore } from './redis-store.js';
import { likePattern } from './sql-query.js';
import { sqlTables } from './sql-schema.js';
import { createSqlWorkspaceStore } from './sql-store.js';

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TroupeError);
    expect((err as TroupeError).code).toBe(ErrorCode.InvalidOption);
    return (err as TroupeError).data.field;
  }
  throw new Error('expected an error');
}

describe('workspace options', () => {
  it('normalizes scopes: global both ways, all-scopes only for search', () => {
    expect(normalizeScope({ global: true })).toBe('global');
    expect(normalizeScope('global')).toBe('global');
    expect(normalizeScope('0190f3a2-7c1e-7000-8000-000000000000')).toHaveLength(36);
    expect(normalizeSearchScope('all-scopes')).toBeUndefined();
    expect(normalizeSearchScope('wf')).toBe('wf');
    expect(fieldOf(() => normalizeScope('all-scopes'))).toBe('scope');
    expect(fieldOf(() => normalizeScope('x'.repeat(257)))).toBe('scope');
    expect(fieldOf(() => normalizeScope('a\nb'))).toBe('scope');
    expect(fieldOf(() => normalizeScope({ global: false } as never))).toBe('scope');
    expect(fieldOf(() => normalizeScope(42 as never))).toBe('scope');
  });

  it('deduplicates tags in order and names the bad one', () => {
    expect(normalizeTags(['b', 'a', 'b'], 'options.tags')).toEqual(['b', 'a']);
    expect(normalizeTags(undefined, 'options.tags')).toEqual([]);
    expect(fieldOf(() => normalizeTags('a' as never, 'options.tags'))).toBe('options.tags');
    expect(fieldOf(() => normalizeTags(['a', 7 as never], 'options.tags'))).toBe('options.tags[1]');
    expect(fieldOf(() => normalizeTags(['x'.repeat(129)], 't'))).toBe('t[0]');
    expect(
      fieldOf(() =>
        normalizeTags(
          Array.from({ length: 65 }, (_, i) => `t${i}`),
          't',
        ),
      ),
    ).toBe('t');
  });

  it('encodes JSON and caps it in UTF-8 bytes', () => {
    expect(encodeJson({ a: 1 }, 'value', 100)).toBe('{"a":1}');
    expect(encodeJson('é', 'value', 4)).toBe('"é"'); // 4 bytes: quote, 2-byte char, quote
    let err: unknown;
    try {
      encodeJson('éé', 'value', 5);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: ErrorCode.PayloadTooLarge,
      data: { field: 'value', bytes: 6, limit: 5 },
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(fieldOf(() => encodeJson(cyclic, 'value', 100))).toBe('value');
    expect(fieldOf(() => encodeJson(() => 1, 'value', 100))).toBe('value');
  });

  it('resolves limits and store options', () => {
    expect(resolveLimit(undefined)).toBe(1000);
    expect(resolveLimit(10_000)).toBe(10_000);
    expect(fieldOf(() => resolveLimit(1.5))).toBe('options.limit');
    expect(resolveWorkspaceStoreOptions({}).maxValueBytes).toBe(1024 * 1024);
    expect(fieldOf(() => resolveWorkspaceStoreOptions({ maxValueBytes: 0 }))).toBe(
      'options.maxValueBytes',
    );
  });

  it('matches text on key or value JSON, and orders by UTF-8 bytes', () => {
    expect(matchesText('rev', 'Revenue', '1')).toBe(true); // the query text arrives lower-cased
    expect(matchesText('rev', 'key', '"REV"')).toBe(true);
    expect(matchesText('rev', 'key', '"nothing"')).toBe(false);
    expect(matchesText('rev', 'revenue', '1')).toBe(true);
    expect(matchesText('"a"', 'k', '{"x":"a"}')).toBe(true);
    expect(matchesText(undefined, 'k', 'v')).toBe(true);
    expect(['b', 'é', 'a', 'Z', '\uffff', '😀'].sort(compareBytes)).toEqual([
      'Z',
      'a',
      'b',
      'é',
      '\uffff',
      '😀',
    ]);
  });

  it('escapes LIKE wildcards and checks SQL table names', () => {
    expect(likePattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
    expect(sqlTables('my_ws').tags).toBe('"my_ws_tags"');
    expect(fieldOf(() => sqlTables('bad-name"; drop'))).toBe('options.table');
  });

  it('refuses bad store options before connecting', async () => {
    await expect(createRedisWorkspaceStore({ namespace: 'a b' })).rejects.toMatchObject({
      data: { field: 'options.namespace' },
    });
    await expect(
      createSqlWorkspaceStore({ filename: ':memory:', busyTimeoutMs: -1 }),
    ).rejects.toMatchObject({ data: { field: 'options.busyTimeoutMs' } });
    await expect(
      createSqlWorkspaceStore({ filename: ':memory:', table: 'Bad' }),
    ).rejects.toMatchObject({ data: { field: 'options.table' } });
  });

  it('runs the SQL migration idempotently, keeps data across reopen, uses WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-ws-'));
    try {
      const filename = join(dir, 'nested', 'ws.db');
      const first = await createSqlWorkspaceStore({ filename, table: 'custom_ws' });
      await first.put('wf', 'k', 1, { tags: ['t'] });
      await first.close();
      const again = await createSqlWorkspaceStore({ filename, table: 'custom_ws' });
      expect((await again.list('wf', { tags: ['t'] })).map((e) => e.value)).toEqual([1]);
      await again.close();
      // WAL is a property of the file: a plain connection sees it.
      const plain = knexFactory({
        client: 'better-sqlite3',
        connection: { filename },
        useNullAsDefault: true,
      });
      expect(await plain.raw('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      await plain.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
