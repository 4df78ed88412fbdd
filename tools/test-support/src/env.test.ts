// Unit tests of the environment helpers, the key-prefix generator and the free-port finder.
import { afterEach, describe, expect, it } from 'vitest';
import { pgUrl, redisUrl, servicesRequired, skipBanner } from './env.js';
import { freePort } from './free-port.js';
import { uniquePrefix } from './redis.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['TROUPE_REQUIRE_SERVICES', 'REDIS_URL', 'PG_URL', 'DATABASE_URL']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('env', () => {
  it('servicesRequired only for exactly "1"', () => {
    process.env.TROUPE_REQUIRE_SERVICES = '1';
    expect(servicesRequired()).toBe(true);
    process.env.TROUPE_REQUIRE_SERVICES = 'yes';
    expect(servicesRequired()).toBe(false);
    delete process.env.TROUPE_REQUIRE_SERVICES;
    expect(servicesRequired()).toBe(false);
  });

  it('urls default to loopback and honour the env', () => {
    delete process.env.REDIS_URL;
    delete process.env.PG_URL;
    delete process.env.DATABASE_URL;
    expect(redisUrl()).toBe('redis://127.0.0.1:6379');
    expect(pgUrl()).toBe('postgres://postgres@127.0.0.1:5432/test');
    process.env.REDIS_URL = 'redis://other:1';
    process.env.PG_URL = 'postgres://x@y/z';
    expect(redisUrl()).toBe('redis://other:1');
    expect(pgUrl()).toBe('postgres://x@y/z');
  });

  it('the skip banner is loud and names the fix', () => {
    const banner = skipBanner('Redis', 'redis://h:1');
    expect(banner).toContain(
      '*** SKIPPED: Redis not reachable at redis://h:1; set TROUPE_REQUIRE_SERVICES=1 to fail ***',
    );
  });
});

describe('uniquePrefix', () => {
  it('is labelled and unique', () => {
    const a = uniquePrefix('x');
    expect(a).toMatch(/^t-x-[0-9a-f]{8}$/);
    expect(uniquePrefix('x')).not.toBe(a);
  });
});

describe('freePort', () => {
  it('returns distinct usable ports', async () => {
    const [a, b] = await Promise.all([freePort(), freePort()]);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });
});
