// The zero-code `uses: mcp-tool` example as users run it: `agentctl validate` accepts
// manifests/, and `agentctl run` (the real binary, real worker threads, our own stdio MCP server
// examples/mcp-tool/weather-server.mjs) turns weather.requested into weather.ready, or into
// weather.failed when the tool answers with an error result.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'packages/cli/bin/agentctl.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'troupe-weather-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function agentctl(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    // Tool pins go to a temp file, not the repository's .troupe/.
    env: {
      ...process.env,
      NO_COLOR: '1',
      REDIS_URL: undefined,
      TROUPE_MCP_PINS: join(tmp, 'pins.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const RUN = ['run', '-f', 'manifests/weather.yaml', '--publish', 'weather.requested'];
const WAIT = [
  '--wait',
  'weather.ready,weather.failed',
  '--fail-on',
  'weather.failed',
  '-o',
  'json',
];

describe('uses: mcp-tool example (manifests/weather.yaml)', () => {
  it('agentctl validate accepts manifests/ with it', async () => {
    const r = await agentctl(['validate', '-f', 'manifests']);
    expect(r.stdout + r.stderr).toMatch(/files?, \d+ documents: 0 errors, 0 warnings/);
    expect(r.code).toBe(0);
  });

  it('a known city: the forecast from the MCP tool, mapped from the event', async () => {
    const r = await agentctl([...RUN, '--data', '{"city":"Lisbon","days":3}', ...WAIT]);
    expect(r.code).toBe(0);
    const event = JSON.parse(r.stdout) as { type: string; data: Record<string, unknown> };
    expect(event.type).toBe('weather.ready');
    expect(event.data).toMatchObject({
      connection: 'weather-mcp',
      tool: 'get_forecast',
      result: { city: 'Lisbon' },
    });
    const daily = (event.data.result as { daily: { day: number; highC: number }[] }).daily;
    expect(daily.map((d) => d.day)).toEqual([1, 2, 3]);
    expect(daily.every((d) => d.highC >= 19)).toBe(true);
  });

  it("an unknown city: the tool's error result becomes weather.failed (exit 1 with --fail-on)", async () => {
    const r = await agentctl([...RUN, '--data', '{"city":"Atlantis","days":1}', ...WAIT]);
    expect(r.code).toBe(1);
    const event = JSON.parse(r.stdout) as { type: string; data: Record<string, unknown> };
    expect(event.type).toBe('weather.failed');
    expect(event.data.error).toMatch(/no forecast for 'Atlantis'/);
  });
});
