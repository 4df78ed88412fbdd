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
});
