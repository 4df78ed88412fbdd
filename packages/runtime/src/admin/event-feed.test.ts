import { createEvent, parseManifestText, type CloudEvent } from '@troupe/core';
import { describe, expect, it } from 'vitest';
import { createMemoryTransport } from '../transport/memory/index.js';
import { EventFeed } from './event-feed.js';
import { BASE_YAML, ROOT } from './testing.js';

const manifests = parseManifestText(BASE_YAML, `${ROOT}base.yaml`).manifests;

describe('EventFeed', () => {
  it('keeps a bounded ring and filters by type, agent and correlation', async () => {
    const t = createMemoryTransport();
    const feed = new EventFeed({ transport: t, capacity: 3 });
    await feed.update(manifests);
    const seen: CloudEvent[] = [];
    const off = feed.subscribe({ agent: 'beater' }, (e) => seen.push(e));
    const ping = createEvent({ type: 'Ping', data: {}, correlationId: 'c1' });
    const beat = createEvent({ type: 'Beat', data: {}, correlationId: 'c2' });
    const beaten = {
      ...createEvent({ type: 'Beaten', data: {}, correlationId: 'c2' }),
      source: 'troupe://agent/beater',
    };
    const other = createEvent({ type: 'Unknown', data: {} });
    await t.publish([ping, beat, beaten, other]);
    expect(seen.map((e) => e.type)).toEqual(['Beat', 'Beaten']);
    expect(feed.recent({ correlationId: 'c2' }).map((e) => e.type)).toEqual(['Beat', 'Beaten']);
    expect(feed.recent({ types: ['Ping'] })).toHaveLength(1);
    await t.publish([createEvent({ type: 'Pong', data: {} })]);
    expect(feed.recent().map((e) => e.type)).toEqual(['Beat', 'Beaten', 'Pong']);
    expect(feed.recent({}, 1).map((e) => e.type)).toEqual(['Pong']);
    off();
    await t.publish([createEvent({ type: 'Beat', data: {} })]);
    expect(seen).toHaveLength(2);
    await feed.close();
    await t.close();
  });

  it('re-arms on a new type set without doubling events', async () => {
    const t = createMemoryTransport();
    const feed = new EventFeed({ transport: t });
    await feed.update(manifests);
    await feed.update(manifests);
    const more = parseManifestText(
      'apiVersion: troupe.dev/v1\nkind: EventType\nmetadata: { name: Extra }\nspec: { entry: true, terminal: true }\n',
      `${ROOT}extra.yaml`,
    ).manifests;
    await feed.update([...manifests, ...more]);
    await t.publish([
      createEvent({ type: 'Extra', data: {} }),
      createEvent({ type: 'Ping', data: {} }),
    ]);
    expect(feed.recent().map((e) => e.type)).toEqual(['Extra', 'Ping']);
    await feed.close();
    await t.close();
  });

  it('waits on its own observation: first matching event, timeout naming the correlation, cancel', async () => {
    const t = createMemoryTransport();
    const feed = new EventFeed({ transport: t });
    expect(feed.waitFor('c', ['Pong'], 100)).toBeUndefined(); // not observed yet
    await feed.update(manifests);
    expect(feed.waitFor('c', ['Nope'], 100)).toBeUndefined();
    const wait = feed.waitFor('c1', ['Pong', 'Beaten'], 5000)!;
    await t.publish([createEvent({ type: 'Pong', data: 1, correlationId: 'other' })]);
    await t.publish([createEvent({ type: 'Beaten', data: 2, correlationId: 'c1' })]);
    expect(await wait.event).toMatchObject({ type: 'Beaten', data: 2 });
    const late = feed.waitFor('c2', ['Pong'], 30)!;
    await expect(late.event).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: 'no Pong event for correlation c2 within 30 ms',
      data: { correlationId: 'c2', timeoutMs: 30 },
    });
    const cancelled = feed.waitFor('c3', ['Pong'], 5000)!;
    await cancelled.cancel();
    await expect(cancelled.event).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(feed.subscribers).toBe(0);
    await feed.close();
    await t.close();
  });
});
