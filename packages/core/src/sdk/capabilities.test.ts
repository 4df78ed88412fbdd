// createTestContext capabilities: injected sql/llm fakes by name, CAPABILITY_UNAVAILABLE for
// names the test did not give, the default tools refusal, and the default in-memory workspace
// bound to the correlation id (shared between contexts when one is passed in).
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors/codes.js';
import { TroupeError } from '../errors/troupe-error.js';
import type { LlmCapability, SqlCapability } from './capabilities.js';
import { createMemoryWorkspace } from './memory-workspace.js';
import { createTestContext, runHandler } from './test-context.js';

const fakeSql: SqlCapability = {
  dialect: 'sqlite',
  readOnly: true,
  select: (sql) =>
    Promise.resolve({ columns: ['q'], rows: [{ q: sql }], rowCount: 1, truncated: false }),
};
const fakeLlm: LlmCapability = {
  model: 'm',
  baseUrl: 'http://x',
  offline: false,
  chat: () => Promise.resolve({ content: 'SELECT 1' }),
};

function refusal(fn: () => unknown): TroupeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TroupeError);
    return e as TroupeError;
  }
  throw new Error('expected a throw');
}

describe('createTestContext capabilities', () => {
  it('answers ctx.sql / ctx.llm with the injected fakes', async () => {
    const { ctx } = createTestContext({ sql: { warehouse: fakeSql }, llm: { llm: fakeLlm } });
    expect(ctx.sql('warehouse')).toBe(fakeSql);
    expect((await ctx.sql('warehouse').select('SELECT 2')).rows).toEqual([{ q: 'SELECT 2' }]);
    expect((await ctx.llm('llm').chat([])).content).toBe('SELECT 1');
  });

  it('refuses names it was not given, with CAPABILITY_UNAVAILABLE naming the connection', () => {
    const { ctx } = createTestContext({ agent: 'sql-runner', sql: { warehouse: fakeSql } });
    const e = refusal(() => ctx.sql('other'));
    expect(e.code).toBe(ErrorCode.CapabilityUnavailable);
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/agent sql-runner may not use connection "other"/);
    expect(e.data).toEqual({ capability: 'sql', reason: 'not-listed', name: 'other' });
    expect(refusal(() => ctx.llm('warehouse')).data).toMatchObject({ capability: 'llm' });
    // An inherited property is not a connection.
    expect(refusal(() => ctx.sql('toString')).code).toBe(ErrorCode.CapabilityUnavailable);
  });

  it('tools refuse by default and can be injected', async () => {
    const { ctx } = createTestContext();
    await expect(ctx.tools.call('github', 'search', {})).rejects.toMatchObject({
      code: ErrorCode.CapabilityUnavailable,
      data: { capability: 'tools', name: 'github' },
    });
    const calls: unknown[] = [];
    const t = createTestContext({
      tools: { call: (c, tool, args) => Promise.resolve(calls.push([c, tool, args])) },
    });
    await t.ctx.tools.call('github', 'search', { q: 1 });
    expect(calls).toEqual([['github', 'search', { q: 1 }]]);
  });

  it('gives a workspace bound to the correlation id by default, recording the agent', async () => {
    const { ctx, event } = createTestContext({ agent: 'a1' });
    expect(ctx.workspace).toBe(ctx.workspace);
    expect(ctx.workspace.scope).toBe(event.correlationid);
    const put = await ctx.workspace.put('k', { n: 1 }, { tags: ['t', 't'] });
    expect(put).toMatchObject({
      key: 'k',
      value: { n: 1 },
      tags: ['t'],
      version: 1,
      createdBy: 'a1',
    });
    expect((await ctx.workspace.get('k'))?.value).toEqual({ n: 1 });
    expect(await ctx.workspace.global.get('k')).toBeUndefined();
  });

  it('shares an injected workspace between runs', async () => {
    const ws = createMemoryWorkspace('corr-1');
    const bump = async (_e: unknown, ctx: { workspace: typeof ws }): Promise<void> => {
      await ctx.workspace.update<number>('count', (n) => (n ?? 0) + 1);
    };
    await runHandler(bump, { workspace: ws });
    await runHandler(bump, { workspace: ws });
    expect((await ws.get('count'))?.value).toBe(2);
  });
});

describe('createMemoryWorkspace', () => {
  it('compare-and-set, delete, list, search and scopes', async () => {
    let t = 1000;
    const ws = createMemoryWorkspace('c1', { now: () => t });
    await ws.put('a/1', 'alpha', { tags: ['x'] });
    await ws.put('a/2', 'beta', { tags: ['x', 'y'], ttlMs: 10 });
    await ws.of('c2').put('a/1', 'gamma');
    await expect(ws.put('a/1', 'z', { ifVersion: 0 })).rejects.toMatchObject({
      code: ErrorCode.WorkspaceConflict,
    });
    expect((await ws.put('a/1', 'z', { ifVersion: 1, tags: ['x'] })).version).toBe(2);
    expect((await ws.list({ tags: ['x'] })).map((e) => e.key)).toEqual(['a/1', 'a/2']);
    expect((await ws.list({ prefix: 'a/2' })).map((e) => e.key)).toEqual(['a/2']);
    expect((await ws.search({ text: 'GAMMA', allScopes: true })).map((e) => e.scope)).toEqual([
      'c2',
    ]);
    t += 11; // a/2 expired
    expect((await ws.list()).map((e) => e.key)).toEqual(['a/1']);
    await expect(ws.delete('a/1', { ifVersion: 1 })).rejects.toMatchObject({
      code: ErrorCode.WorkspaceConflict,
    });
    expect(await ws.delete('a/1')).toBe(true);
    expect(await ws.delete('a/1')).toBe(false);
  });

  it('update loses no increment under interleaving', async () => {
    const ws = createMemoryWorkspace();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        ws.update<number>('n', async (n) => {
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          return (n ?? 0) + 1;
        }),
      ),
    );
    expect((await ws.get('n'))?.value).toBe(20);
  });
});
