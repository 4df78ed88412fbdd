// Deployment saga agent `deployer`: starts the requested version's replicas on the simulated
// platform (state-file.ts), and stops them again when the saga compensates.
//   deploy.start → deploy.done | deploy.failed        deploy.rollback → deploy.rolled-back
// Both are idempotent per version: a redelivered command does not start or stop twice, and a
// rollback only stops a version this saga (correlation) started.
import { defineAgent } from '@troupe/core';
import { service, stateFilePath, updateState } from './state-file.js';
import type { SagaCommand } from './types.js';

export default defineAgent<SagaCommand, { stateFile?: string }>(async (event, ctx) => {
  const { service: name, version, replicas = 2, fail } = event.data.input;
  const file = stateFilePath(ctx.config.stateFile);
  const at = new Date().toISOString();
  const entry = { at, service: name, version, correlationId: event.correlationid };
  if (event.type === 'deploy.start') {
    if (fail === 'deploy') {
      ctx.emit('deploy.failed', { service: name, version, reason: 'image pull failed (injected)' });
      return;
    }
    await updateState(
      file,
      (s) => {
        const svc = service(s, name);
        if (svc.versions[version]) return;
        svc.versions[version] = { replicas, deployedAt: at, startedBy: event.correlationid };
        s.log.push({ ...entry, action: 'deploy' });
      },
      ctx.signal,
    );
    ctx.emit('deploy.done', { service: name, version, replicas });
    return;
  }
  // deploy.rollback
  await updateState(
    file,
    (s) => {
      const svc = service(s, name);
      // Only what this saga started: a version that already ran before it stays up.
      if (svc.versions[version]?.startedBy !== event.correlationid) return;
      delete svc.versions[version];
      s.log.push({ ...entry, action: 'rollback' });
    },
    ctx.signal,
  );
  ctx.emit('deploy.rolled-back', { service: name, version });
});
