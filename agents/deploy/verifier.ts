// Deployment saga agent `verifier`: the smoke test after the switch. It checks the simulated
// platform really serves the new version (routed and running); the injected failure stands for
// a health check that found errors after the switch.
//   verify.start → verify.done | verify.failed
import { defineAgent } from '@troupe/core';
import { readState, stateFilePath } from './state-file.js';
import type { SagaCommand } from './types.js';

export default defineAgent<SagaCommand, { stateFile?: string }>(async (event, ctx) => {
  const { service: name, version, fail } = event.data.input;
  const svc = (await readState(stateFilePath(ctx.config.stateFile))).services[name];
  const problems: string[] = [];
  if (svc?.live !== version)
    problems.push(`traffic goes to ${svc?.live ?? 'nothing'}, not ${version}`);
  if (!svc?.versions[version]) problems.push(`version ${version} is not running`);
  if (fail === 'verify') problems.push('smoke test: 12% of requests answered 5xx (injected)');
  if (problems.length > 0)
    ctx.emit('verify.failed', { service: name, version, reason: problems.join('; ') });
  else ctx.emit('verify.done', { service: name, version, live: svc!.live });
});
