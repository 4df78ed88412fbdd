// `agentctl up` as users run it: starts, applies, logs to stderr, exits 0 on SIGTERM/SIGINT.
import { describe, expect, it } from 'vitest';
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
        '7070',
      ]);
      await until('node up', () => up.stderr().includes('press Ctrl-C'));
      expect(up.stderr()).toMatch(
        /troupe node test-node up on embedded in-memory transport: 3 agent\(s\) \[tokenizer, word-counter, text-stats\]/,
      );
      expect(up.stderr()).toMatch(/--port 7070 accepted/);
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
