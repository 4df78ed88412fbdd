// `agentctl run` as users run it: the real binary, the quickstart manifests, real worker threads.
import { describe, expect, it } from 'vitest';
import { agentctl } from './fixtures/agentctl.js';

const QUICK = ['run', '-f', 'manifests/quickstart.yaml', '--publish', 'TextSubmitted'];
const TEXT = JSON.stringify({
  text: 'The quick brown fox jumps over the lazy dog. The dog sleeps.',
});

describe('agentctl run', () => {
  it('publishes, waits and prints the result (exit 0)', async () => {
    const r = await agentctl([...QUICK, '--data', TEXT, '--wait', 'TextStats']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^TextStats {2}correlation=[0-9a-f-]{36} {2}source=troupe:\/\/agent\/text-stats {2}hops=3\n/,
    );
    const data = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n') + 1)) as Record<string, unknown>;
    expect(data).toMatchObject({
      words: 12,
      uniqueWords: 9,
      sentences: 2,
      topWords: [
        { word: 'dog', count: 2 },
        { word: 'brown', count: 1 },
        { word: 'fox', count: 1 },
        { word: 'jumps', count: 1 },
        { word: 'lazy', count: 1 },
      ],
    });
  });

  it('-o json prints the awaited envelope with the chosen correlation id', async () => {
    const r = await agentctl([
      ...QUICK,
      '--data',
      TEXT,
      '--wait',
      'TextStats,Nope',
      '-o',
      'json',
      '--correlation-id',
      'corr-123',
    ]);
    expect(r.code).toBe(0);
    const ev = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(ev).toMatchObject({
      specversion: '1.0',
      type: 'TextStats',
      correlationid: 'corr-123',
      hops: 3,
    });
  });

  it('exits 1 on timeout and names the correlation id', async () => {
    const r = await agentctl([
      ...QUICK,
      '--data',
      TEXT,
      '--wait',
      'NeverEmitted',
      '--timeout',
      '1500',
      '--correlation-id',
      'corr-timeout',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /timed out after 1500 ms waiting for NeverEmitted \(correlation corr-timeout\)/,
    );
  });

  it('exits 1 when the awaited type is marked --fail-on, still printing it', async () => {
    const r = await agentctl([
      ...QUICK,
      '--data',
      TEXT,
      '--wait',
      'TextStats',
      '--fail-on',
      'TextStats',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^TextStats/);
    expect(r.stderr).toMatch(/TextStats is marked --fail-on/);
  });

  it('exits 2 naming --data when it is not JSON', async () => {
    const r = await agentctl([...QUICK, '--data', '{oops', '--wait', 'TextStats']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--data is not valid JSON/);
  });

  it('exits 1 with the payload problem when the data breaks the entry schema, or the type is not an entry', async () => {
    const bad = await agentctl([...QUICK, '--data', '{"txt":"x"}', '--wait', 'TextStats']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/data must have required property 'text'/);
    const notEntry = await agentctl([
      'run',
      '-f',
      'manifests/quickstart.yaml',
      '--publish',
      'TextTokenized',
      '--wait',
      'TextStats',
    ]);
    expect(notEntry.code).toBe(1);
    expect(notEntry.stderr).toMatch(/TextTokenized is not an entry type/);
  });

  it('exits 1 with file:line:col diagnostics on invalid manifests', async () => {
    const r = await agentctl([
      'run',
      '-f',
      'packages/cli/src/commands/fixtures/broken.yaml',
      '--publish',
      'X',
      '--wait',
      'Y',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+/);
    expect(r.stderr).toMatch(/manifests are invalid/);
  });
});
