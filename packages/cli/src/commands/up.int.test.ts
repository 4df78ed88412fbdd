// `agentctl up` as users run it: starts, applies, logs to stderr, exits 0 on SIGTERM/SIGINT.
import { createEvent } from '@troupe/core';
import { createRedisTransport } from '@troupe/runtime';
import {
  cleanupRedisPrefix,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { start } from './fixtures/agentctl.js';

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('agentctl up', () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    it(`starts the agents and shuts down gracefully on ${sig} (exit 0)`, async () => {
      const up = start([
        'up',
        '-f',
        'manifests/quickstart.yaml',
        '--node-id',
        'test-node',
        '--port',
        '0',
      ]);
      await until('node up', () => up.stderr().includes('press Ctrl-C'));
      expect(up.stderr()).toMatch(
        /troupe node test-node up on embedded in-memory transport: 3 agent\(s\) \[tokenizer, word-counter, text-stats\]/,
      );
      expect(up.stderr()).toMatch(/admin API listening on http:\/\/127\.0\.0\.1:\d+ /);
      up.child.kill(sig);
      const r = await up.done;
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`${sig}: shutting down`));
      expect(r.stderr).toMatch(/stopped: tokenizer: 0 ok/);
    });
  }

  it('exits 2 on a bad --port', async () => {
    const up = start(['up', '--port', 'http']);
    const r = await up.done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port must be an integer between 0 and 65535, got 'http'/);
  });
});

describeWithRedis('agentctl up --redis: several nodes share the work', () => {
  const url = redisUrl();
  const namespace = uniquePrefix('up');
  afterAll(async () => {
    await cleanupRedisPrefix(url, namespace);
  });

  it('two nodes on one Redis namespace split the events between them; nothing is lost', async () => {
    const flags = [
      'up',
      '-f',
      'manifests/quickstart.yaml',
      '--redis',
      url,
      '--namespace',
      namespace,
    ];
    const nodes = [
      start([...flags, '--node-id', 'node-a']),
      start([...flags, '--node-id', 'node-b']),
    ];
    try {
      for (const n of nodes) await until('node up', () => n.stderr().includes('press Ctrl-C'));
      const transport = await createRedisTransport({ url, namespace });
      const results = new Set<string>();
      await transport.observe(['TextStats'], (e) => results.add(e.correlationid));
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) {
        const ev = createEvent({
          type: 'TextSubmitted',
          data: { text: `event number ${i}. Two sentences.` },
        });
        ids.push(ev.correlationid);
        await transport.publish([ev]);
      }
      await until('40 results', () => results.size === 40);
      await transport.close();
      expect([...results].sort()).toEqual([...ids].sort());
    } finally {
      for (const n of nodes) n.child.kill('SIGTERM');
    }
    const outs = await Promise.all(nodes.map((n) => n.done));
    const handled = outs.map((o) => {
      expect(o.code).toBe(0);
      const stopped = o.stderr.split('\n').find((l) => l.startsWith('stopped: ')) ?? '';
      return Number(/tokenizer: (\d+) ok/.exec(stopped)?.[1] ?? NaN);
    });
    expect(handled[0]! + handled[1]!).toBe(40);
    expect(handled[0]).toBeGreaterThan(0);
    expect(handled[1]).toBeGreaterThan(0);
  });
});
