// A generated 200-agent system (a chain of fan-outs with an aggregator per stage) must
// validate fast; the figure is printed so it can be tracked.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateManifests } from './validate.js';

const AGENTS = 200;
const dir = mkdtempSync(path.join(tmpdir(), 'troupe-perf-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the system: stage i has 10 agents consuming stage.i and emitting their own type. */
export function writeSystem(root: string, agents: number): void {
  writeFileSync(path.join(root, 'package.json'), '{}');
  mkdirSync(path.join(root, 'handlers'));
  mkdirSync(path.join(root, 'manifests'));
  const perStage = 10;
  const stages = Math.ceil(agents / perStage);
  const docs: string[] = [
    'apiVersion: troupe.dev/v1\nkind: EventType\nmetadata: { name: stage.0 }\nspec: { entry: true, schema: { type: object } }\n',
    `apiVersion: troupe.dev/v1\nkind: EventType\nmetadata: { name: stage.${stages} }\nspec: { terminal: true }\n`,
  ];
  for (let i = 0; i < agents; i++) {
    const stage = Math.floor(i / perStage);
    const name = `agent-${i}`;
    writeFileSync(path.join(root, 'handlers', `${name}.mjs`), 'export default () => {};\n');
    docs.push(
      `apiVersion: troupe.dev/v1\nkind: Agent\nmetadata: { name: ${name}, labels: { stage: "${stage}" } }\nspec:\n` +
        `  handler: ../handlers/${name}.mjs\n  subscribe:\n    - type: stage.${stage}\n      where: { data.shard: ${i % 4} }\n` +
        `  emits: [done.${i}]\n  retry: { attempts: 3, backoff: exponential }\n  concurrency: 2\n`,
    );
  }
  for (let s = 0; s < stages; s++) {
    const collect = Array.from({ length: perStage }, (_, k) => `done.${s * perStage + k}`).filter(
      (_, k) => s * perStage + k < agents,
    );
    docs.push(
      `apiVersion: troupe.dev/v1\nkind: Aggregator\nmetadata: { name: stage-${s} }\n` +
        `spec: { collect: [${collect.join(', ')}], quorum: { policy: majority }, emits: stage.${s + 1} }\n`,
    );
  }
  // Four files, so the loader's per-file path is exercised too.
  const quarter = Math.ceil(docs.length / 4);
  for (let f = 0; f < 4; f++) {
    writeFileSync(
      path.join(root, 'manifests', `part-${f}.yaml`),
      docs.slice(f * quarter, (f + 1) * quarter).join('---\n'),
    );
  }
}

describe('validate performance', () => {
  it(`validates a ${AGENTS}-agent system in well under a second`, async () => {
    writeSystem(dir, AGENTS);
    await validateManifests([path.join(dir, 'manifests')]); // warm-up (module JIT, fs caches)
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const result = await validateManifests([path.join(dir, 'manifests')]);
      runs.push(performance.now() - t0);
      expect(result.diagnostics).toEqual([]);
      expect(result.set.manifests).toHaveLength(AGENTS + 2 + AGENTS / 10);
    }
    runs.sort((a, b) => a - b);
    const median = runs[2]!;
    console.log(
      `[perf] validate ${AGENTS} agents (${AGENTS + 2 + AGENTS / 10} documents): median ${median.toFixed(1)} ms, min ${runs[0]!.toFixed(1)} ms`,
    );
    expect(median).toBeLessThan(1000);
  });
});
