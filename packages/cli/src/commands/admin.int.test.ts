// The admin-API commands as users run them: the real `agentctl up --port 0` (token from
// TROUPE_TOKEN), then the real binary for apply / diff / get / describe / publish --wait /
// trace / dlq / logs -f / delete against it, and the one-line failures for an unreachable
// server and a wrong token.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort } from '@troupe/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, agentctl, start } from './fixtures/agentctl.js';

const TOKEN = `t-${randomBytes(8).toString('hex')}`;
// Temporary manifests live inside the repository (the node's root), under the ignored .troupe/.
const DIR = path.join(REPO, '.troupe', `admin-int-${randomBytes(4).toString('hex')}`);
const V2 = path.relative(REPO, path.join(DIR, 'v2.yaml'));
let up: ReturnType<typeof start>;
let env: Record<string, string>;

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  // Same system, text-stats reconfigured; handler paths re-anchored to this directory.
  const v2 = readFileSync(path.join(REPO, 'manifests/quickstart.yaml'), 'utf8')
    .replaceAll('../agents/', '../../agents/')
    .replace('config: { topN: 5 }', 'config: { topN: 3 }');
  writeFileSync(path.join(DIR, 'v2.yaml'), v2);
  up = start(
    [
      'up',
      '--port',
      '0',
      '--node-id',
      'admin-int',
      '--db',
      path.join(DIR, 'archive.db'),
      '--mcp-allowed-hosts',
      'troupe.test',
    ],
    {
      TROUPE_TOKEN: TOKEN,
    },
  );
  await until('admin API up', () => /admin API listening on \S+/.test(up.stderr()));
  const server = /admin API listening on (\S+)/.exec(up.stderr())![1]!;
  env = { TROUPE_SERVER: server, TROUPE_TOKEN: TOKEN };
}, 90_000);

afterAll(async () => {
  up?.child.kill('SIGTERM');
  await up?.done;
  rmSync(DIR, { recursive: true, force: true });
});

describe('agentctl against a running node', () => {
  it('apply creates, re-apply is unchanged, dry run and diff report changes with exit codes', async () => {
    const first = await agentctl(['apply', '-f', 'manifests/quickstart.yaml'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('eventtype/TextSubmitted created\n');
    expect(first.stdout).toContain('agent/tokenizer created\n');
    const again = await agentctl(['apply', '-f', 'manifests/quickstart.yaml'], env);
    expect(
      again.stdout
        .split('\n')
        .filter(Boolean)
        .every((l) => l.endsWith(' unchanged')),
    ).toBe(true);

    const same = await agentctl(['diff', '-f', 'manifests/quickstart.yaml'], env);
    expect(same).toMatchObject({ code: 0, stdout: '', stderr: 'no changes\n' });
    const changed = await agentctl(['diff', '-f', V2], env);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^diff agent\/text-stats \(configured, /m);
    expect(changed.stdout).toMatch(/^- {4}topN: 5$/m);
    expect(changed.stdout).toMatch(/^\+ {4}topN: 3$/m);
    const dry = await agentctl(['apply', '-f', V2, '--dry-run'], env);
    expect(dry.stdout).toContain('agent/text-stats configured (dry run)\n');
    expect((await agentctl(['diff', '-f', V2], env)).code).toBe(1);
    // Trouble is 2, never mistaken for "changes": a broken manifest, a refused token.
    const broken = await agentctl(
      ['diff', '-f', 'packages/core/test-fixtures/broken/cycle.yaml'],
      env,
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/cycle/);
    const refused = await agentctl(['diff', '-f', V2], { ...env, TROUPE_TOKEN: 'nope' });
    expect(refused.code).toBe(2);
  }, 60_000);

  it('get agents -o json, describe, publish --wait, trace, dlq list, logs -f', async () => {
    const agents = await agentctl(['get', 'agents', '-o', 'json'], env);
    expect(agents.code).toBe(0);
    const list = JSON.parse(agents.stdout) as { name: string; state: string }[];
    expect(list.map((a) => [a.name, a.state])).toEqual([
      ['tokenizer', 'running'],
      ['word-counter', 'running'],
      ['text-stats', 'running'],
    ]);
    const table = await agentctl(['get', 'agents'], env);
    expect(table.stdout).toMatch(
      /^NAME +STATE +IN-FLIGHT +OK +FAILED +RETRIED +DLQ +LAG +BREAKER\n/,
    );

    const logs = start(['logs', '-f', '--type', 'TextStats', '--tail', '0', '-o', 'json'], env);
    let streamed = '';
    logs.child.stdout!.on('data', (b: Buffer) => (streamed += b.toString()));
    await until('log stream open', () => logs.stderr().includes('following events'));
    const pub = await agentctl(
      [
        'publish',
        'TextSubmitted',
        '--data',
        '{"text":"to be or not to be"}',
        '--wait',
        'TextStats',
        '--timeout',
        '20000',
        '-o',
        'json',
      ],
      env,
    );
    expect(pub.code).toBe(0);
    const result = JSON.parse(pub.stdout) as {
      type: string;
      correlationid: string;
      data: { words: number };
    };
    expect(result).toMatchObject({ type: 'TextStats', data: { words: 6 } });
    await until('streamed TextStats', () => streamed.includes(result.correlationid), 20_000);
    logs.child.kill('SIGINT');
    expect((await logs.done).code).toBe(0);
    expect(JSON.parse(streamed.split('\n')[0]!)).toMatchObject({ type: 'TextStats' });

    const described = await agentctl(['describe', 'agent', 'tokenizer'], env);
    expect(described.stdout).toMatch(/^Name: +tokenizer$/m);
    expect(described.stdout).toMatch(/^Counters: +consumed \d+, ok \d+/m);

    let trace = '';
    for (let i = 0; i < 50 && !trace.includes('text-stats: #1'); i++) {
      trace = (await agentctl(['trace', result.correlationid], env)).stdout;
      if (!trace.includes('text-stats: #1')) await new Promise((r) => setTimeout(r, 200));
    }
    expect(trace).toMatch(new RegExp(`^trace ${result.correlationid}: 4 events`));
    expect(trace).toContain('TextStats');

    const dlq = await agentctl(['dlq', 'list'], env);
    expect(dlq.stdout).toMatch(/^AGENT +DEAD-LETTERS\ntokenizer +0\n/);
    const bad = await agentctl(['publish', 'TextSubmitted', '--data', '{"txt":1}'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^error: TextSubmitted payload is invalid: data must have required property 'text'/,
    );
  }, 90_000);

  it('delete stops an agent; wrong token and unreachable server fail on one line with exit 1', async () => {
    const del = await agentctl(['delete', 'agent', 'text-stats'], env);
    expect(del).toMatchObject({ code: 0, stdout: 'agent/text-stats deleted\n' });
    const names = JSON.parse((await agentctl(['get', 'agents', '-o', 'json'], env)).stdout) as {
      name: string;
    }[];
    expect(names.map((a) => a.name)).not.toContain('text-stats');

    const wrong = await agentctl(['get', 'agents'], { ...env, TROUPE_TOKEN: 'nope' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /^error: the server at \S+ refused the token \(wrong bearer token\): set TROUPE_TOKEN or --token\n$/,
    );
    const none = await agentctl(['get', 'agents'], { ...env, TROUPE_TOKEN: '' });
    expect(none.stderr).toMatch(/refused the token \(missing bearer token/);
    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = await agentctl(['get', 'agents', '--server', dead], env);
    expect(down.code).toBe(1);
    expect(down.stdout).toBe('');
    expect(down.stderr).toMatch(
      new RegExp(
        `^error: cannot reach the Troupe server at ${dead} \\(ECONNREFUSED\\): start one with 'agentctl up'`,
      ),
    );
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('/mcp answers to the host names of --mcp-allowed-hosts and refuses others with 403', async () => {
    const url = new URL(env.TROUPE_SERVER!);
    // fetch may not set Host; node:http may.
    const post = (host: string, token?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: '/mcp',
            method: 'POST',
            headers: {
              host: `${host}:${url.port}`,
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('{"jsonrpc":"2.0","id":1,"method":"ping"}');
      });
    expect(await post('evil.test', TOKEN)).toBe(403);
    expect(await post('troupe.test')).toBe(401);
    // Past Host, Origin and the token: the MCP layer itself answers (no session yet → 400).
    expect(await post('troupe.test', TOKEN)).toBe(400);
  });
});
