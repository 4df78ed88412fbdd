// Integration tests of the service helpers against the real shared Redis and PostgreSQL, and
// of `startRedisServer` (own process: start, crash, restart with AOF, stop).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { freshPgSchema, pgAvailable } from './postgres.js';
import {
  connectRedis,
  cleanupRedisPrefix,
  describeWithRedis,
  redisAvailable,
  uniquePrefix,
} from './redis.js';
import { describeWithPostgres } from './postgres.js';
import { redisUrl } from './env.js';
import { startRedisServer } from './redis-server.js';

describe('probes', () => {
  it('report an unreachable service as false, without throwing', async () => {
    expect(await redisAvailable('redis://127.0.0.1:1')).toBe(false);
    expect(await pgAvailable('postgres://postgres@127.0.0.1:1/test')).toBe(false);
  });
});

describeWithRedis('cleanupRedisPrefix', () => {
  it('removes every key under the prefix and nothing else', async () => {
    const prefix = uniquePrefix('cleanup');
    const other = uniquePrefix('keep');
    const client = await connectRedis(redisUrl());
    try {
      await client.set(`${prefix}:a`, '1');
      await client.xAdd(`${prefix}:ev:x`, '*', { e: '1' });
      await client.set(`${other}:a`, '1');
      expect(await cleanupRedisPrefix(redisUrl(), prefix)).toBe(2);
      expect(await client.exists([`${prefix}:a`, `${prefix}:ev:x`])).toBe(0);
      expect(await client.exists(`${other}:a`)).toBe(1);
    } finally {
      await cleanupRedisPrefix(redisUrl(), other);
      client.destroy();
    }
  });

  it('refuses an empty prefix', async () => {
    await expect(cleanupRedisPrefix(redisUrl(), ' ')).rejects.toThrow(/must not be empty/);
  });
});

describe('startRedisServer', () => {
  it('starts its own server, survives SIGKILL + restart with AOF, and stops cleanly', async () => {
    const server = await startRedisServer({ aof: true, appendfsync: 'always' });
    const firstPid = server.pid;
    expect(firstPid).toBeGreaterThan(0);
    expect(await redisAvailable(server.url)).toBe(true);
    let client = await connectRedis(server.url);
    await client.set('k', 'v');
    client.destroy();

    server.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    expect(await redisAvailable(server.url)).toBe(false);
    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    client = await connectRedis(server.url);
    expect(await client.get('k')).toBe('v');
    client.destroy();

    await server.stop();
    expect(await redisAvailable(server.url)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
    await server.stop(); // idempotent
  });

  it('without AOF loses data on restart', async () => {
    const server = await startRedisServer({ aof: false });
    try {
      const client = await connectRedis(server.url);
      await client.set('k', 'v');
      client.destroy();
      await server.restart();
      const again = await connectRedis(server.url);
      expect(await again.get('k')).toBeNull();
      again.destroy();
    } finally {
      await server.stop();
    }
  });
});

describeWithPostgres('freshPgSchema', () => {
  it('creates an isolated schema that search_path points at, and drops it', async () => {
    const a = await freshPgSchema('iso');
    const b = await freshPgSchema('iso');
    expect(a.schema).not.toBe(b.schema);
    const pgModule = 'pg';
    const { default: pg } = (await import(pgModule)) as {
      default: {
        Client: new (c: { connectionString: string }) => {
          connect(): Promise<void>;
          query(s: string): Promise<{ rows: Record<string, unknown>[] }>;
          end(): Promise<void>;
        };
      };
    };
    const client = new pg.Client(a.connection);
    await client.connect();
    try {
      await client.query('CREATE TABLE t (x int)');
      const { rows } = await client.query(
        `SELECT table_schema FROM information_schema.tables WHERE table_name = 't' AND table_schema = '${a.schema}'`,
      );
      expect(rows).toHaveLength(1);
    } finally {
      await client.end();
    }
    await a.drop();
    await b.drop();
    await a.drop();
    const check = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await check.connect();
    const { rows } = await check.query(`SELECT 1 FROM pg_namespace WHERE nspname = '${a.schema}'`);
    await check.end();
    expect(rows).toHaveLength(0);
  });
});
