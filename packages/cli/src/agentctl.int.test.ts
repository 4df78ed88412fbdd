// Runs the REAL binary (node bin/agentctl.mjs) as a child process and asserts stdout, stderr
// and exit codes, the way users and CI scripts see them.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = path.join(root, 'packages/cli/bin/agentctl.mjs');
const valid = 'packages/core/test-fixtures/valid';
const broken = 'packages/core/test-fixtures/broken';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function agentctl(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('agentctl (real binary)', () => {
  it('validate on a directory of valid manifests: exit 0, summary on stdout', async () => {
    const r = await agentctl(['validate', '-f', valid]);
    expect(r).toEqual({
      code: 0,
      stdout: '4 files, 31 documents: 0 errors, 0 warnings\n',
      stderr: '',
    });
  });

  it('validate with errors and warnings: file:line:col lines on stderr, exit 1', async () => {
    const r = await agentctl([
      'validate',
      '-f',
      `${broken}/cycle.yaml`,
      '-f',
      `${broken}/unknown-field-typo.yaml`,
      `${broken}/orphan-emission.yaml`,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `error: ${broken}/unknown-field-typo.yaml:6:3: spec.subscrbe: unknown field 'subscrbe' (did you mean 'subscribe'?) [unknown-field]`,
    ]);
    expect(r.stdout).toBe('3 files, 7 documents: 1 error, 0 warnings\n');
  });

  it('validate reports the cycle as a path', async () => {
    const r = await agentctl(['validate', '-f', `${broken}/cycle.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: ${broken}/cycle.yaml:9:19: metadata.name: agents form a cycle: a -> b -> c -> a`,
    );
  });

  it('validate -o json prints findings on stdout only', async () => {
    const r = await agentctl(['validate', '-f', `${broken}/orphan-emission.yaml`, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const body = JSON.parse(r.stdout) as {
      ok: boolean;
      warnings: number;
      diagnostics: { code: string }[];
    };
    expect(body.ok).toBe(true);
    expect(body.warnings).toBe(1);
    expect(body.diagnostics.map((d) => d.code)).toEqual(['orphan-emission']);
  });

  it('graph prints mermaid by default and dot on request', async () => {
    const mermaid = await agentctl(['graph', '-f', `${valid}/code-review.yaml`]);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid.stdout).toContain('p2{{"aggregator: review-aggregator"}}');
    const dot = await agentctl(['graph', '-f', valid, '--format', 'dot']);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph troupe \{/);
    expect(dot.stdout).toContain('label="saga: deploy-service"');
  });

  it('usage errors exit 2 with one line and a help hint', async () => {
    const r = await agentctl(['valdate', '-f', valid]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: unknown command 'valdate'/);
    expect(r.stderr).toContain("(run 'agentctl --help' for usage)");
    const missing = await agentctl(['graph']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("(run 'agentctl graph --help' for usage)");
  });

  it('colors only when asked, never with NO_COLOR', async () => {
    const forced = await agentctl(['validate', '-f', `${broken}/wrong-type.yaml`], {
      NO_COLOR: '',
      FORCE_COLOR: '1',
    });
    expect(forced.stderr).toContain('\u001b[31merror\u001b[39m');
    const plain = await agentctl(['validate', '-f', `${broken}/wrong-type.yaml`], {
      FORCE_COLOR: '1',
    });
    expect(plain.stderr).not.toContain('\u001b[');
    const flag = await agentctl(['--no-color', 'validate', '-f', `${broken}/wrong-type.yaml`], {
      NO_COLOR: '',
      FORCE_COLOR: '1',
    });
    expect(flag.stderr).not.toContain('\u001b[');
  });
});
