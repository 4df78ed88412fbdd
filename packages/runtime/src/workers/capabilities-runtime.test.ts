// Capabilities through a whole runtime node (memory transport, real worker threads): the node's
// default private SQLite workspace is shared by invocations of one correlation and removed on
// close; `workspace: false` refuses (not retried).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoadedManifest } from '@troupe/core';
import { createRuntime } from '../node/runtime.js';
import type { Runtime } from '../node/runtime.js';
import { createMemoryTransport } from '../transport/index.js';
import { fixturePath } from './fixtures/make-task.js';

const tmp = mkdtempSync(join(tmpdir(), 'troupe-caps-rt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function agent(): LoadedManifest {
  const file = join(tmp, 'm.yaml');
  return {
    manifest: {
      apiVersion: 'troupe.dev/v1',
      kind: 'Agent',
      metadata: { name: 'caps' },
      spec: {
        handler: 'capabilities.ts',
        subscribe: [{ type: 'probe' }],
        emits: ['ws.value', 'ws.done', 'sql.result'],
        retry: { attempts: 1 },
      },
    },
    file,
    location: { file, line: 1, column: 1 },
    projectRoot: tmp,
    handlerPath: fixturePath('capabilities'),
  };
}

async function withRuntime(
  options: Parameters<typeof createRuntime>[0]['options'],
  fn: (rt: Runtime) => Promise<void>,
): Promise<void> {
  const rt = createRuntime({
    transport: createMemoryTransport(),
    nodeId: 'caps',
    options: { pool: { threads: 1 }, fetchBlockMs: 20, ...options },
  });
  try {
    await fn(rt);
  } finally {
    await rt.close({ deadlineMs: 5000 });
  }
}

describe('capabilities in a runtime node', () => {
  it('the default workspace is private to the node, shared in a correlation, and removed on close', async () => {
    const ours = (): string[] =>
      readdirSync(tmpdir()).filter((d) => d.startsWith(`troupe-ws-${process.pid}-`));
    const before = new Set(ours());
    let dbDir = '';
    await withRuntime({}, async (rt) => {
      await rt.apply([agent()]);
      const first = await rt.request(
        'probe',
        { op: 'ws-bump' },
        { wait: ['ws.value'], timeoutMs: 30_000 },
      );
      expect(first.result.data).toEqual({ value: 1 });
      const second = await rt.request(
        'probe',
        { op: 'ws-bump' },
        { wait: ['ws.value'], timeoutMs: 30_000, correlationId: first.request.correlationid },
      );
      expect(second.result.data).toEqual({ value: 2 });
      const other = await rt.request(
        'probe',
        { op: 'ws-bump' },
        { wait: ['ws.value'], timeoutMs: 30_000 },
      );
      expect(other.result.data).toEqual({ value: 1 });
      const created = ours().filter((d) => !before.has(d));
      expect(created).toHaveLength(1);
      dbDir = join(tmpdir(), created[0]!);
      expect(existsSync(join(dbDir, 'workspace.db'))).toBe(true);
    });
    expect(existsSync(dbDir)).toBe(false);
  });

  it('workspace: false makes ctx.workspace refuse', async () => {
    await withRuntime({ workspace: false }, async (rt) => {
      await rt.apply([agent()]);
      const observed: unknown[] = [];
      const obs = await rt.transport.observe(['ws.value'], (e) => observed.push(e));
      await rt.publish('probe', { op: 'ws-get' });
      // Not retryable: dead-lettered on the first attempt (polled: the first task loads a thread).
      const deadline = Date.now() + 30_000;
      while (rt.agents()[0]?.deadLettered === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await obs.close();
      expect(observed).toEqual([]);
      const status = rt.agents().find((a) => a.name === 'caps');
      expect(status?.failed).toBe(1);
      expect(status?.retried).toBe(0);
      expect(status?.deadLettered).toBe(1);
    });
  });
});
