// Why the system-event sink exists (decision 0008), on real Redis: a system-event stream that
// no group reads is trimmed only by age (ungroupedRetentionMs, decision 0010, 10 min by
// default), so announcements nobody subscribes to pile up meanwhile; with the runtime's sink
// group on it, the ordinary trim empties it as soon as the sink has settled them.
// Skips loudly without Redis and fails under TROUPE_REQUIRE_SERVICES=1.
import { silentLogger } from '@troupe/core';
import { connectRedis, describeWithRedis, redisUrl, redisNamespaces } from '@troupe/test-support';
import { expect, it } from 'vitest';
import { createRuntime } from '../node/runtime.js';
import { createRedisTransport } from '../transport/redis/index.js';
import { SYSTEM_SINK_GROUP } from './system-event-sink.js';
import { SystemEventType, systemEvent } from './system-events.js';
import { agentManifest, eventTypeManifest, until } from './testing.js';

const url = redisUrl();

describeWithRedis('system-event sink on real Redis', () => {
  const nextNamespace = redisNamespaces('sink');
  const transport = async () => {
    const namespace = nextNamespace();
    return createRedisTransport({ url, namespace, retryPollMs: 50, logger: silentLogger });
  };

  it('without a group, young system-event entries are not trimmed', async () => {
    const t = await transport();
    const redis = await connectRedis(url);
    try {
      await t.publish([systemEvent(SystemEventType.LoopDetected, {}, 'n1')]);
      expect(await t.trim([SystemEventType.LoopDetected])).toBe(0);
      expect(await redis.xLen(t.keys.stream(SystemEventType.LoopDetected))).toBe(1);
    } finally {
      redis.destroy();
      await t.close();
    }
  });

  it("a runtime's dead letters announce troupe.deadlettered, and the trim then drops it", async () => {
    const t = await transport();
    const redis = await connectRedis(url);
    const rt = createRuntime({
      transport: t,
      nodeId: 'n1',
      options: { fetchBlockMs: 50, workspace: false, pool: { threads: 1 } },
    });
    const key = t.keys.stream(SystemEventType.DeadLettered);
    try {
      await rt.apply([
        eventTypeManifest('Job', { entry: true }),
        agentManifest('worker', { subscribe: [{ type: 'Job' }], retry: { attempts: 1 } }),
      ]);
      for (let i = 0; i < 3; i++) await rt.publish('Job', { nonRetryable: true });
      await until('3 dead letters', async () => (await t.deadLetters('worker')).length === 3);
      expect(await redis.xLen(key)).toBe(3);
      await until('the sink read them', async () => {
        const stats = await t.stats(SYSTEM_SINK_GROUP, [SystemEventType.DeadLettered]);
        return stats.lag === 0 && stats.pending === 0;
      });
      expect(await t.trim()).toBeGreaterThanOrEqual(3);
      expect(await redis.xLen(key)).toBe(0);
    } finally {
      redis.destroy();
      await rt.close({ deadlineMs: 500 });
    }
  });
});
