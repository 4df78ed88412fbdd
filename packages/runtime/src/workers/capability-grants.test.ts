// The main-thread half of capabilities: grants built from applied manifests (listed names,
// Connection specs with their directory, the project root, the workspace target), replaced on
// update, and stamped on tasks by withCapabilities without touching tasks that carry their own.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadedManifest } from '@troupe/core';
import {
  CapabilityRegistry,
  privateSqliteWorkspace,
  withCapabilities,
} from './capability-grants.js';
import type { HandlerTask, WorkerPool } from './contract.js';
import { makeTask } from './fixtures/make-task.js';

const doc = (file: string, manifest: unknown): LoadedManifest =>
  ({ manifest, file, location: { file, line: 1, column: 1 }, projectRoot: '/p' }) as LoadedManifest;
const agent = (name: string, connections?: string[]) =>
  doc('/p/manifests/a.yaml', {
    kind: 'Agent',
    metadata: { name },
    spec: { handler: 'h.ts', subscribe: [], ...(connections ? { connections } : {}) },
  });
const warehouse = doc('/p/manifests/c.yaml', {
  kind: 'Connection',
  metadata: { name: 'warehouse' },
  spec: { type: 'sql', client: 'sqlite', connection: { filename: 'x.db' } },
});

describe('CapabilityRegistry', () => {
  it('grants each agent its listed connections with the Connection directory', () => {
    const r = new CapabilityRegistry({ kind: 'redis', url: 'redis://h:1' });
    r.update([warehouse, agent('a', ['warehouse', 'missing']), agent('b')]);
    expect(r.for('a')).toEqual({
      listed: ['warehouse', 'missing'],
      connections: {
        warehouse: {
          spec: { type: 'sql', client: 'sqlite', connection: { filename: 'x.db' } },
          baseDir: '/p/manifests',
        },
      },
      projectRoot: '/p',
      workspace: { kind: 'redis', url: 'redis://h:1' },
    });
    expect(r.for('b')).toMatchObject({ listed: [], connections: {} });
    // An unknown agent still reaches the workspace, nothing else.
    expect(r.for('zz')).toEqual({
      listed: [],
      connections: {},
      workspace: { kind: 'redis', url: 'redis://h:1' },
    });
    r.update([agent('b')]);
    expect(r.for('a')?.connections).toEqual({});
  });

  it('without a workspace an unknown agent gets nothing', () => {
    const r = new CapabilityRegistry();
    r.update([agent('a')]);
    expect(r.for('zz')).toBeUndefined();
    expect(r.for('a')).not.toHaveProperty('workspace');
  });
});

describe('withCapabilities', () => {
  it('stamps tasks by agent and keeps tasks that carry capabilities', async () => {
    const seen: HandlerTask[] = [];
    const inner: WorkerPool = {
      run: (tasks) => {
        seen.push(...tasks);
        return Promise.resolve([]);
      },
      stats: () => ({ threads: 7, inFlight: 0, replaced: 0 }),
      close: () => Promise.resolve(),
    };
    const r = new CapabilityRegistry();
    r.update([warehouse, agent('test-agent', ['warehouse'])]);
    const own = { listed: ['x'], connections: {} };
    const pool = withCapabilities(inner, r);
    await pool.run([
      makeTask('json-echo'),
      makeTask('json-echo', {}, { capabilities: own }),
      makeTask('json-echo', {}, { agent: 'other' }),
    ]);
    expect(seen[0]?.capabilities?.listed).toEqual(['warehouse']);
    expect(seen[1]?.capabilities).toBe(own);
    expect(seen[2]).not.toHaveProperty('capabilities');
    expect(pool.stats().threads).toBe(7);
  });
});

describe('privateSqliteWorkspace', () => {
  it('names a file in a private temp dir that dispose removes', () => {
    const a = privateSqliteWorkspace();
    const b = privateSqliteWorkspace();
    if (a.target.kind !== 'sqlite' || b.target.kind !== 'sqlite')
      throw new Error('sqlite expected');
    expect(a.target.filename).not.toBe(b.target.filename);
    mkdirSync(dirname(a.target.filename), { recursive: true });
    a.dispose();
    expect(existsSync(dirname(a.target.filename))).toBe(false);
    b.dispose(); // never created: no error
  });
});
