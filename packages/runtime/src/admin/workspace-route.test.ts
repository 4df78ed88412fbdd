// `/v1/workspace` over real HTTP with a real SQLite workspace store: one entry, search by text
// and tags across scopes, 404 for a missing entry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceStore } from '../workspace/contract.js';
import { createSqlWorkspaceStore } from '../workspace/sql-store.js';
import { startTestNode, type TestNode } from './testing.js';

let node: TestNode;
let store: WorkspaceStore;
const dir = mkdtempSync(path.join(tmpdir(), 'troupe-admin-ws-'));

beforeAll(async () => {
  store = await createSqlWorkspaceStore({ filename: path.join(dir, 'ws.db') });
  await store.put('corr-1', 'answer', { text: 'forty-two' }, { tags: ['result'] });
  await store.put({ global: true }, 'motd', 'hello', { tags: ['banner'] });
  node = await startTestNode({ workspace: store });
});

afterAll(async () => {
  await node?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('workspace routes', () => {
  it('gets one entry and searches by text and tags', async () => {
    const entry = await node.call('/v1/workspace/corr-1/answer');
    expect(entry.status).toBe(200);
    expect(await entry.json()).toMatchObject({
      scope: 'corr-1',
      key: 'answer',
      value: { text: 'forty-two' },
      version: 1,
    });
    const byText = (await (await node.call('/v1/workspace?text=FORTY')).json()) as {
      items: { key: string }[];
    };
    expect(byText.items.map((e) => e.key)).toEqual(['answer']);
    const byTag = (await (await node.call('/v1/workspace?tags=banner')).json()) as {
      items: { key: string; scope: string }[];
    };
    expect(byTag.items).toMatchObject([{ scope: 'global', key: 'motd' }]);
    const scoped = (await (await node.call('/v1/workspace?scope=corr-1')).json()) as {
      items: unknown[];
    };
    expect(scoped.items).toHaveLength(1);
    const missing = await node.call('/v1/workspace/corr-1/nope');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('NOT_FOUND');
    expect((await node.call('/v1/workspace?limit=0')).status).toBe(400);
  });
});
