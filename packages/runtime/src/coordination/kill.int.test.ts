// A runtime process killed (SIGKILL) between collection and emission: a new node on the same
// Redis namespace finishes the aggregate from the stored state, and the aggregate is emitted
// exactly once (one entry in its stream). Skips loudly without Redis and fails under
// TROUPE_REQUIRE_SERVICES=1.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEvent, silentLogger } from '@troupe/core';
import {
  cleanupRedisPrefix,
  connectRedis,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterAll, expect, it } from 'vitest';
import { createRuntime } from '../node/runtime.js';
import { createRedisTransport } from '../transport/redis/index.js';
import { createRedisCoordinationStore } from './redis-store.js';
import { aggregator } from './testing.js';

const url = redisUrl();
const child = fileURLToPath(new URL('./fixtures/aggregator-node.ts', import.meta.url));

describeWithRedis('aggregator across a SIGKILL', () => {
  const namespace = uniquePrefix('kill');
  afterAll(async () => {
    await cleanupRedisPrefix(url, namespace);
  });

  it('a node killed between collection and emission loses nothing and emits once', async () => {
    const corr = createEvent({ type: 'x', data: null }).id;
    const proc = spawn(process.execPath, ['--import', 'tsx', child, url, namespace, corr], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const line = (text: string) =>
      new Promise<void>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(
          () => reject(new Error(`no "${text}" from child: ${stderr}`)),
          30_000,
        );
        proc.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          if (out.includes(text)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    const exited = new Promise<void>((r) => proc.on('exit', () => r()));
    try {
      const started = line('started');
      const collected = line('collected');
      await started;
      const transport = await createRedisTransport({
        url,
        namespace,
        retryPollMs: 50,
        logger: silentLogger,
      });
      const ev = (type: string) => createEvent({ type, data: { type }, correlationId: corr });
      await transport.publish([ev('R1'), ev('R2')]);
      await collected;
      proc.kill('SIGKILL');
      await exited;

      const store = await createRedisCoordinationStore({ url, namespace });
      const rt = createRuntime({
        transport,
        nodeId: 'survivor',
        options: {
          workspace: false,
          fetchBlockMs: 50,
          visibilityTimeoutMs: 1000,
          pool: { threads: 1 },
          coordination: { store, tickMs: 50 },
        },
      });
      try {
        await rt.apply([
          aggregator('agg', { collect: ['R1', 'R2', 'R3'], timeoutMs: 60_000, emits: 'Agg' }),
        ]);
        const wait = await rt.waitFor(corr, ['Agg'], 15_000);
        await transport.publish([ev('R3')]);
        const out = await wait.event;
        expect(out.data).toMatchObject({
          complete: true,
          arrived: ['R1', 'R2', 'R3'],
          missing: [],
        });
        await new Promise((r) => setTimeout(r, 1500)); // past the dead node's lease
        const redis = await connectRedis(url);
        try {
          const entries = await redis.xLen(`${namespace}:ev:Agg`);
          expect(entries).toBe(1);
        } finally {
          redis.destroy();
        }
      } finally {
        await rt.close({ deadlineMs: 1000 });
      }
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  }, 60_000);
});
