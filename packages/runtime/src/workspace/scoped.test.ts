// The handler view binds every call to its scope, reaches the global scope and other
// workflows only when asked, and stamps `createdBy`; run on an in-memory SQLite store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@troupe/core';
import type { WorkspaceStore } from './contract.js';
import { scopedWorkspace } from './scoped.js';
import { createSqlWorkspaceStore } from './sql-store.js';

describe('scopedWorkspace', () => {
  let store: WorkspaceStore;
  beforeEach(async () => {
    store = await createSqlWorkspaceStore({ filename: ':memory:' });
  });
  afterEach(() => store.close());

  it('binds put/get/list/search/delete/update to the correlation id', async () => {
    const ws = scopedWorkspace(store, 'corr-1', { createdBy: 'analyzer' });
    expect(ws.scope).toBe('corr-1');
    const e = await ws.put('finding', { severity: 'high' }, { tags: ['security'] });
    expect(e).toMatchObject({ scope: 'corr-1', createdBy: 'analyzer' });
    expect((await store.get('corr-1', 'finding'))?.value).toEqual({ severity: 'high' });
    expect((await ws.get('finding'))?.version).toBe(1);
    expect((await ws.list({ tags: ['security'] })).map((x) => x.key)).toEqual(['finding']);
    expect((await ws.search({ text: 'HIGH' })).map((x) => x.key)).toEqual(['finding']);
    expect((await ws.update<number>('count', (n) => (n ?? 0) + 1)).createdBy).toBe('analyzer');
    expect(await ws.delete('finding')).toBe(true);
    expect(await scopedWorkspace(store, 'corr-2').get('count')).toBeUndefined();
  });

  it('reaches the global scope and earlier workflows explicitly', async () => {
    const ws = scopedWorkspace(store, 'corr-2');
    await ws.global.put('schema', 'v1');
    await scopedWorkspace(store, 'corr-1').put('answer', 'earlier result');
    expect((await store.get({ global: true }, 'schema'))?.value).toBe('v1');
    expect(ws.global.scope).toBe('global');
    expect(ws.global.global).toBe(ws.global);
    expect(await ws.get('schema')).toBeUndefined();
    expect((await ws.of('corr-1').get('answer'))?.value).toBe('earlier result');
    expect(await ws.search({ text: 'earlier' })).toEqual([]);
    expect((await ws.search({ text: 'earlier', allScopes: true })).map((x) => x.scope)).toEqual([
      'corr-1',
    ]);
  });

  it('refuses a bad scope when binding', () => {
    let caught: unknown;
    try {
      scopedWorkspace(store, '');
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: ErrorCode.InvalidOption, data: { field: 'scope' } });
  });
});
