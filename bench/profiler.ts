// Main-thread CPU profiles of the measured phases only (`pnpm bench --profile DIR`): the
// inspector's profiler is started right before a saturated run and stopped right after, so
// module loading and start-up do not drown the steady state. Summarise the files with
// `pnpm exec tsx bench/profile-summary.ts DIR`.
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

export interface PhaseProfiler {
  start(): Promise<void>;
  stop(label: string): Promise<void>;
}

export function createProfiler(dir: string): PhaseProfiler {
  const session = new Session();
  session.connect();
  let ready: Promise<unknown> | undefined;
  mkdirSync(dir, { recursive: true });
  return {
    async start() {
      ready ??= session.post('Profiler.enable');
      await ready;
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    },
    async stop(label) {
      const { profile } = await session.post('Profiler.stop');
      const file = path.join(dir, `${label.replace(/[^\w.-]+/g, '_')}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}
