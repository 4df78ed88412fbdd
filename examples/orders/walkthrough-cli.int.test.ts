// The documented walkthrough with the real binary: `agentctl up --redis` runs the orders system,
// `agentctl apply` adds the recommendation manifest to the RUNNING node (no restart: the other
// agents' counters keep counting), and `agentctl publish --wait` shows the new agent consuming
// the next order. Redis gives the run its own namespace (streams and workspace), so repeated
// runs never share stock.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  cleanupRedisPrefix,
  describeWithRedis,
  freePort,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../packages/cli/bin/agentctl.mjs', import.meta.url));

function agentctl(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const order = (id: string, sku: string) =>
  JSON.stringify({
    orderId: id,
    customerId: 'c-ada',
    card: '4242424242424242',
    items: [{ sku, qty: 1, price: 1450 }],
  });

describeWithRedis('orders walkthrough with agentctl up / apply / publish', () => {
  const namespace = uniquePrefix('orders-cli');
  let node: ChildProcess | undefined;
  let env: Record<string, string>;
  let logs = '';

  beforeAll(async () => {
    const port = await freePort();
    env = { TROUPE_SERVER: `http://127.0.0.1:${port}` };
    node = spawn(
      process.execPath,
      [
        BIN,
        'up',
        '-f',
        'manifests/orders.yaml',
        '--redis',
        redisUrl(),
        '--namespace',
        namespace,
        '--port',
        String(port),
        '--no-archive',
        '--node-id',
        'walkthrough',
      ],
      { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    node.stderr!.on('data', (b: Buffer) => (logs += b.toString()));
    const end = Date.now() + 30_000;
    while (!logs.includes('admin API listening')) {
      if (Date.now() > end || node.exitCode !== null)
        throw new Error(`agentctl up did not start:\n${logs}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (node && node.exitCode === null) {
      const exited = new Promise((r) => node!.once('exit', r));
      node.kill('SIGTERM');
      await exited;
    }
    await cleanupRedisPrefix(redisUrl(), namespace);
  });

  it('hot-adds the recommendation agent to the running node, which consumes the next order', async () => {
    const first = await agentctl(
      [
        'publish',
        'OrderPlaced',
        '--data',
        order('o-1', 'espresso-beans'),
        '--wait',
        'OrderCompleted',
        '--timeout',
        '30000',
      ],
      env,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^OrderCompleted {2}correlation=/);

    const applied = await agentctl(['apply', '-f', 'manifests/orders-recommendation.yaml'], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('agent/recommendation created');
    expect(applied.stdout).not.toMatch(/agent\/(payment|inventory|notification) configured/);

    const second = await agentctl(
      [
        'publish',
        'OrderPlaced',
        '--data',
        order('o-2', 'grinder'),
        '--wait',
        'RecommendationsReady',
        '--timeout',
        '30000',
      ],
      env,
    );
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(
      /^RecommendationsReady {2}correlation=\S+ {2}source=troupe:\/\/agent\/recommendation/,
    );
    expect(JSON.parse(second.stdout.slice(second.stdout.indexOf('\n') + 1))).toEqual({
      orderId: 'o-2',
      customerId: 'c-ada',
      skus: ['espresso-beans', 'filter-papers'],
    });

    // No restart: the first agents still count the first order (2 handled each, not 1).
    const agents = await agentctl(['get', 'agents', '-o', 'json'], env);
    expect(agents.code, agents.stderr).toBe(0);
    const list = JSON.parse(agents.stdout) as { name: string; succeeded: number }[];
    const ok = Object.fromEntries(list.map((a) => [a.name, a.succeeded]));
    expect(ok).toMatchObject({ payment: 2, inventory: 2, recommendation: 1 });
    expect(node!.exitCode).toBeNull();
  });
});
