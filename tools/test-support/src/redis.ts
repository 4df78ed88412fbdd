// Real-Redis helpers: a PING probe, the gated `describeWithRedis`, per-run key prefixes and
// their cleanup (SCAN + UNLINK), so concurrent test runs share one Redis without colliding.
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll } from 'vitest';
import { describeWithService } from './describe-with.js';
import { redisUrl } from './env.js';

/** A connected RESP2 client that never reconnects (tests want failures, not retries). */
export async function connectRedis(url = redisUrl(), connectTimeoutMs = 2000) {
  const client = createClient({
    url,
    RESP: 2,
    socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: false },
  });
  client.on('error', () => {
    // Reported through the failing command; without a listener node-redis would throw.
  });
  await client.connect();
  return client;
}

/** True when Redis at `url` answers PING within about a second. Never throws. */
export async function redisAvailable(url = redisUrl()): Promise<boolean> {
  let client: Awaited<ReturnType<typeof connectRedis>> | undefined;
  try {
    client = await connectRedis(url, 1000);
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client?.destroy();
  }
}

const redisUp = await redisAvailable();

/** `describe` that runs when the shared Redis answers; skips loudly otherwise (fails when required). */
export function describeWithRedis(name: string, fn: () => void): void {
  describeWithService('Redis', redisUrl(), redisUp, name, fn);
}

/** A fresh key namespace for one test run: `t-<label>-<8 hex>`. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`;
}

/**
 * Fresh namespaces for the suite being declared: call inside a `describe` body; every namespace
 * handed out is deleted from Redis after the suite (`afterAll`).
 */
export function redisNamespaces(label: string, url = redisUrl()): () => string {
  const handed: string[] = [];
  afterAll(async () => {
    for (const ns of handed) await cleanupRedisPrefix(url, ns);
  });
  return () => {
    const ns = uniquePrefix(label);
    handed.push(ns);
    return ns;
  };
}

/**
 * Delete every key under `prefix` (keys named `<prefix>:…` and `prefix` itself). Returns how
 * many were removed. Refuses an empty prefix so a typo cannot wipe a shared Redis.
 */
export async function cleanupRedisPrefix(url: string, prefix: string): Promise<number> {
  if (!prefix.trim()) throw new Error('cleanupRedisPrefix: prefix must not be empty');
  const client = await connectRedis(url);
  let removed = 0;
  try {
    const escaped = prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
    for (const match of [`${escaped}:*`, escaped]) {
      for await (const keys of client.scanIterator({ MATCH: match, COUNT: 500 })) {
        if (keys.length) removed += await client.unlink(keys);
      }
    }
  } finally {
    client.destroy();
  }
  return removed;
}
