// Unit tests of the deployment agents on a temporary state file: concurrent updates lose
// nothing, rollback stops only what its saga started, routing reverts to the prior target, and
// the verifier finds a version that is not live.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEvent, runHandler } from '@troupe/core';
import { afterAll, describe, expect, it } from 'vitest';
import deployer from './deployer.js';
import router from './router.js';
import { readState, updateState } from './state-file.js';
import type { DeployRequest, SagaCommand } from './types.js';
import verifier from './verifier.js';

const dir = mkdtempSync(path.join(tmpdir(), 'troupe-deploy-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const command = (type: string, corr: string, input: DeployRequest) =>
  createEvent<SagaCommand>({ type, data: { saga: 's', step: 'x', input }, correlationId: corr });

describe('state file', () => {
  it('serializes concurrent read-modify-write updates', async () => {
    const file = path.join(dir, 'race.json');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateState(file, (s) => {
          s.log.push({ at: '', action: `a${i}`, service: 's', version: 'v', correlationId: '' });
        }),
      ),
    );
    expect((await readState(file)).log).toHaveLength(20);
  });
});

describe('deploy agents', () => {
  const stateFile = path.join(dir, 'agents.json');
  const config = { stateFile };
  const input = { service: 'web', version: 'v2' };

  it('deploy, route, verify; then revert and rollback restore the platform', async () => {
    await updateState(stateFile, (s) => {
      s.services.web = {
        versions: { v1: { replicas: 1, deployedAt: '', startedBy: 'old' } },
        live: 'v1',
        switched: {},
      };
    });
    const d = await runHandler(deployer, { event: command('deploy.start', 'c1', input), config });
    expect(d.emitted).toMatchObject([{ type: 'deploy.done', data: { replicas: 2 } }]);
    const r = await runHandler(router, { event: command('routing.update', 'c1', input), config });
    expect(r.emitted).toMatchObject([{ type: 'routing.done', data: { from: 'v1', to: 'v2' } }]);
    const v = await runHandler(verifier, { event: command('verify.start', 'c1', input), config });
    expect(v.emitted).toMatchObject([{ type: 'verify.done' }]);
    const back = await runHandler(router, {
      event: command('routing.revert', 'c1', input),
      config,
    });
    expect(back.emitted).toMatchObject([{ type: 'routing.reverted', data: { live: 'v1' } }]);
    await runHandler(deployer, { event: command('deploy.rollback', 'c1', input), config });
    const web = (await readState(stateFile)).services.web!;
    expect(web.live).toBe('v1');
    expect(Object.keys(web.versions)).toEqual(['v1']);
    const bad = await runHandler(verifier, { event: command('verify.start', 'c1', input), config });
    expect(bad.emitted).toMatchObject([
      {
        type: 'verify.failed',
        data: { reason: expect.stringContaining('traffic goes to v1') as unknown },
      },
    ]);
  });

  it('a rollback leaves a version that another saga started', async () => {
    await runHandler(deployer, {
      event: command('deploy.rollback', 'c9', { service: 'web', version: 'v1' }),
      config,
    });
    expect(Object.keys((await readState(stateFile)).services.web!.versions)).toEqual(['v1']);
  });

  it('injected failures fail their step without touching the platform', async () => {
    const before = await readState(stateFile);
    const d = await runHandler(deployer, {
      event: command('deploy.start', 'c2', { ...input, fail: 'deploy' }),
      config,
    });
    expect(d.emitted).toMatchObject([{ type: 'deploy.failed' }]);
    const r = await runHandler(router, {
      event: command('routing.update', 'c2', { ...input, fail: 'routing' }),
      config,
    });
    expect(r.emitted).toMatchObject([{ type: 'routing.failed' }]);
    expect(await readState(stateFile)).toEqual(before);
  });
});
