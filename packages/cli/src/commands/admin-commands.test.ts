// In-process checks of the admin-API commands: every one has --help with an example, usage
// mistakes exit 2 before any request, and an unreachable server is one line with exit 1.
import { describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { main } from '../main.js';

function capture(env: Record<string, string> = {}): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    color: false,
    env,
    exitCode: 0,
    out: (s: string) => void (io.stdout += s),
    err: (s: string) => void (io.stderr += s),
  };
  return io;
}

describe('admin-API commands', () => {
  it.each([
    ['apply'],
    ['diff'],
    ['get'],
    ['describe'],
    ['delete'],
    ['publish'],
    ['trace'],
    ['logs'],
    ['dlq'],
    ['dlq', 'list'],
    ['dlq', 'replay'],
    ['dlq', 'purge'],
  ])('%s --help shows an example', async (...cmd) => {
    const io = capture();
    expect(await main([...cmd, '--help'], io)).toBe(0);
    expect(io.stdout).toContain('Examples:');
    expect(io.stdout).toContain(`agentctl ${cmd.join(' ')} `);
    expect(io.stdout).toMatch(/--server <url>|Commands:/);
  });

  it.each([
    [['get', 'widgets'], /unknown resource 'widgets'/],
    [['publish', 'A', '--data', '{nope'], /--data is not valid JSON/],
    [['publish', 'A', '--wait', 'B', '--timeout', 'soon'], /--timeout must be an integer/],
    [['dlq', 'replay', 'x'], /give either --id ID… or --all/],
    [['describe', 'pod', 'x'], /describe supports 'agent'/],
    [
      ['get', 'agents', '--server', 'ftp://x'],
      /--server \/ TROUPE_SERVER must be an http\(s\) URL/,
    ],
    [['get', 'agents', '-o', 'xml'], /argument 'xml' is invalid/],
  ])('usage mistake %j exits 2', async (argv, message) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(io.stdout).toBe('');
  });

  it('an unreachable server (TROUPE_SERVER) is one error line and exit 1', async () => {
    const io = capture({ TROUPE_SERVER: 'http://127.0.0.1:1' });
    expect(await main(['get', 'agents'], io)).toBe(1);
    expect(io.stderr).toMatch(
      /^error: cannot reach the Troupe server at http:\/\/127\.0\.0\.1:1 \(.+\): start one with 'agentctl up'.*\n$/,
    );
    expect(io.stderr.split('\n')).toHaveLength(2);
  });
});
