// Deployment saga agent `router`: points the service's traffic at the new version on the
// simulated platform, remembering what it pointed at before; the compensation points it back.
//   routing.update → routing.done | routing.failed      routing.revert → routing.reverted
// The previous target is kept per correlation id, so a redelivered update or revert is harmless.
import { defineAgent } from '@troupe/core';
import { service, stateFilePath, updateState } from './state-file.js';
import type { SagaCommand } from './types.js';

export default defineAgent<SagaCommand, { stateFile?: string }>(async (event, ctx) => {
  const { service: name, version, fail } = event.data.input;
  const file = stateFilePath(ctx.config.stateFile);
  const corr = event.correlationid;
  const entry = { at: new Date().toISOString(), service: name, version, correlationId: corr };
  if (event.type === 'routing.update') {
    if (fail === 'routing') {
      ctx.emit('routing.failed', {
        service: name,
        version,
        reason: 'load balancer rejected the target group (injected)',
      });
      return;
    }
    const from = await updateState(
      file,
      (s) => {
        const svc = service(s, name);
        if (!(corr in svc.switched)) {
          if (!svc.versions[version]) return { missing: true as const };
          svc.switched[corr] = svc.live;
          svc.live = version;
          s.log.push({ ...entry, action: 'route' });
        }
        return { from: svc.switched[corr] ?? null };
      },
      ctx.signal,
    );
    if ('missing' in from)
      ctx.emit('routing.failed', {
        service: name,
        version,
        reason: `version ${version} is not running`,
      });
    else ctx.emit('routing.done', { service: name, from: from.from, to: version });
    return;
  }
  // routing.revert
  const back = await updateState(
    file,
    (s) => {
      const svc = service(s, name);
      if (!(corr in svc.switched)) return svc.live;
      svc.live = svc.switched[corr] ?? null;
      delete svc.switched[corr];
      s.log.push({ ...entry, action: 'unroute' });
      return svc.live;
    },
    ctx.signal,
  );
  ctx.emit('routing.reverted', { service: name, version, live: back });
});
