// In-process tests of main(): exit codes and stream routing without spawning a process
// (agentctl.int.test.ts runs the real binary).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Io } from './io.js';
import { main } from './main.js';

const fixtures = fileURLToPath(new URL('../../core/test-fixtures/', import.meta.url));

function capture(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    color: false,
    env: {},
    exitCode: 0,
    out: (s: string) => void (io.stdout += s),
    err: (s: string) => void (io.stderr += s),
  };
  return io;
}

describe('main', () => {
  it('--help and --version exit 0 on stdout', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout).toContain('Usage: agentctl');
    expect(io.stdout).toContain('validate');
    const v = capture();
    expect(await main(['--version'], v)).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('every command has --help with an example', async () => {
    for (const cmd of ['validate', 'graph']) {
      const io = capture();
      expect(await main([cmd, '--help'], io)).toBe(0);
      expect(io.stdout).toContain('Examples:');
      expect(io.stdout).toContain(`agentctl ${cmd} `);
    }
  });

  it.each([
    [[], /Usage: agentctl/],
    [['nope'], /unknown command 'nope'/],
    [['validate'], /required option '-f, --filename <path\.\.\.>' not specified/],
    [['validate', '-f', 'x', '--frob'], /unknown option '--frob'/],
    [['validate', '-f', 'x', '-o', 'xml'], /argument 'xml' is invalid/],
    [['graph', '-f', 'x', '--format', 'png'], /argument 'png' is invalid/],
    [
      ['validate', '-f', 'x', '--max-file-bytes', '-3'],
      /--max-file-bytes must be a positive integer/,
    ],
  ])('usage mistake %j exits 2 with a hint on stderr', async (argv, message) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(io.stderr).toMatch(/--help/);
    expect(io.stdout).toBe('');
  });

  it('validate: 0 when valid, 1 with errors', async () => {
    const ok = capture();
    expect(await main(['validate', '-f', `${fixtures}valid`], ok)).toBe(0);
    expect(ok.stdout).toBe('4 files, 31 documents: 0 errors, 0 warnings\n');
    expect(ok.stderr).toBe('');
    const bad = capture();
    expect(await main(['validate', '-f', `${fixtures}broken/out-of-range.yaml`], bad)).toBe(1);
    expect(bad.stderr).toBe(
      `error: ${fixtures}broken/out-of-range.yaml:7:22: spec.retry.attempts: must be >= 1, got 0 [out-of-range]\n`,
    );
    expect(bad.stdout).toBe('1 file, 1 document: 1 error, 0 warnings\n');
  });

  it('validate -o table prints the findings as a table on stdout', async () => {
    const io = capture();
    expect(
      await main(['validate', '-f', `${fixtures}broken/dead-subscription.yaml`, '-o', 'table'], io),
    ).toBe(0);
    const [header, row] = io.stdout.split('\n');
    expect(header).toMatch(/^SEVERITY\s+CODE\s+LOCATION\s+PATH\s+MESSAGE$/);
    expect(row).toMatch(
      /^warning\s+dead-subscription\s+\S+dead-subscription\.yaml:11:47\s+spec\.subscribe\[1\]\.type\s+/,
    );
    expect(io.stderr).toBe('1 file, 2 documents: 0 errors, 1 warning\n');
  });

  it('graph fails with exit 1 when manifests do not load', async () => {
    const io = capture();
    expect(await main(['graph', '-f', `${fixtures}broken/wrong-type.yaml`], io)).toBe(1);
    expect(io.stderr).toContain('[wrong-type]');
    expect(io.stderr).toContain('error: manifests do not load');
    expect(io.stdout).toBe('');
  });

  it('graph --format json prints plain graph data', async () => {
    const io = capture();
    expect(
      await main(['graph', '-f', `${fixtures}valid/code-review.yaml`, '--format', 'json'], io),
    ).toBe(0);
    const data = JSON.parse(io.stdout) as { participants: { id: string }[]; edges: unknown[] };
    expect(data.participants.map((p) => p.id)).toEqual([
      'agent/security-scan',
      'agent/style-check',
      'aggregator/review-aggregator',
    ]);
    expect(data.edges).toHaveLength(7);
  });
});
