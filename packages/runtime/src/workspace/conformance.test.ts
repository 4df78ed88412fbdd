// The lost-update check of the conformance suite can fail: with compare-and-set switched off
// (a store that drops `ifVersion`), two interleaved writers lose increments, and the race
// reports it. Guards against a suite that would pass whatever the store does.
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkspaceStore } from './contract.js';
import { incrementRace } from './conformance.js';
import { createSqlWorkspaceStore } from './sql-store.js';
import { updateEntry } from './update.js';

/** The store with its compare-and-set disabled: every put is unconditional. */
function withoutCas(store: WorkspaceStore): WorkspaceStore {
  const broken: WorkspaceStore = {
    put: (scope, key, value, options = {}) => {
      const { ifVersion: _ignored, ...rest } = options;
      return store.put(scope, key, value, rest);
    },
    get: (scope, key) => store.get(scope, key),
    list: (scope, o) => store.list(scope, o),
    search: (scope, o) => store.search(scope, o),
    delete: (scope, key, o) => store.delete(scope, key, o),
    // The real read-CAS-retry loop, over the broken put.
    update: (scope, key, fn, o) => updateEntry(broken, scope, key, fn, o),
    purgeExpired: () => store.purgeExpired(),
    close: () => store.close(),
  };
  return broken;
}

describe('incrementRace', () => {
  let store: WorkspaceStore | undefined;
  afterEach(async () => {
    await store?.close();
  });

  it('counts every increment when compare-and-set works', async () => {
    store = await createSqlWorkspaceStore({ filename: ':memory:' });
    const result = await incrementRace(store, store, 200);
    expect(result).toMatchObject({ final: 400, version: 400 });
    expect(result.conflicts).toBeGreaterThan(0);
  });

  it('detects lost updates when compare-and-set is switched off', async () => {
    store = await createSqlWorkspaceStore({ filename: ':memory:' });
    const broken = withoutCas(store);
    const result = await incrementRace(broken, broken, 200);
    expect(result.final).toBeLessThan(400);
  });
});
