// The archived transport brackets every append with the archive's watermark: a call in flight
// holds it from its start, its events keep holding it until written, a failed or duplicate
// call releases it without recording, and appends wait once for the trim hold to be published.
import { createEvent, type CloudEvent } from '@troupe/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Consumer, Delivery, Transport } from '../transport/contract.js';
import { archivedTransport } from './archive-transport.js';
import { createEventArchive, type EventArchive } from './event-archive.js';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const event = (data: unknown): CloudEvent => createEvent({ type: 'T', data });
const delivery = (e: CloudEvent): Delivery => ({
  event: e,
  stream: 'T',
  entryId: '1-0',
  attempt: 1,
});

/** A transport whose publish and commit resolve when the test says so. */
function manualTransport() {
  const calls: { kind: string; done: ReturnType<typeof deferred<unknown>> }[] = [];
  const next = (kind: string) => {
    const done = deferred<unknown>();
    calls.push({ kind, done });
    return done.promise;
  };
  const consumer = {
    commit: () => next('commit'),
    deadLetter: () => next('deadLetter'),
  } as unknown as Consumer;
  const transport = {
    publish: () => next('publish'),
    consume: () => Promise.resolve(consumer),
  } as unknown as Transport;
  return { transport, calls };
}

describe('archived transport and the watermark', () => {
  let archive: EventArchive;
  afterEach(() => archive?.close());

  const open = async () =>
    (archive = await createEventArchive({ filename: ':memory:', flushIntervalMs: 60_000 }));
  const tick = () => new Promise((r) => setTimeout(r, 2));

  it('a publish holds the watermark from its start until its events are written', async () => {
    await open();
    const { transport, calls } = manualTransport();
    const t = archivedTransport(transport, archive);
    const before = Math.floor(performance.now());
    const publishing = t.publish([event(1)]);
    await tick();
    const held = archive.unflushedSince();
    expect(held).toBeGreaterThanOrEqual(before);
    expect(archive.stats().buffered).toBe(0); // not recorded before the transport accepted it
    calls[0]!.done.resolve(undefined);
    await publishing;
    expect(archive.stats().buffered).toBe(1);
    expect(archive.unflushedSince()).toBe(held);
    await archive.flush();
    expect(archive.unflushedSince()).toBeUndefined();
  });

  it('a failed publish releases the watermark and records nothing', async () => {
    await open();
    const { transport, calls } = manualTransport();
    const t = archivedTransport(transport, archive);
    const publishing = t.publish([event(1)]);
    await tick();
    expect(archive.unflushedSince()).toBeDefined();
    calls[0]!.done.reject(new Error('redis down'));
    await expect(publishing).rejects.toThrow('redis down');
    expect(archive.unflushedSince()).toBeUndefined();
    expect(archive.stats().buffered).toBe(0);
  });

  it('commits hold it too; a duplicate commit records nothing, a dead letter records its emissions', async () => {
    await open();
    const { transport, calls } = manualTransport();
    const c = await archivedTransport(transport, archive).consume({
      group: 'g',
      types: ['T'],
      consumer: 'n',
      visibilityTimeoutMs: 1000,
    });
    const e = event(1);
    const dup = c.commit(delivery(e), [event(2)]);
    await tick();
    expect(archive.unflushedSince()).toBeDefined();
    calls[0]!.done.resolve('duplicate');
    expect(await dup).toBe('duplicate');
    expect(archive.unflushedSince()).toBeUndefined();
    expect(archive.stats().buffered).toBe(0);

    const committed = c.commit(delivery(e), [event(3)]);
    await tick();
    const held = archive.unflushedSince();
    calls[1]!.done.resolve('committed');
    expect(await committed).toBe('committed');
    const dead = c.deadLetter(delivery(e), { reason: 'schema', attempts: 0 }, [event(4)]);
    await tick();
    calls[2]!.done.resolve(undefined);
    await dead;
    expect(archive.stats().buffered).toBe(2);
    expect(archive.unflushedSince()).toBe(held);
    await archive.flush();
    expect(archive.unflushedSince()).toBeUndefined();
  });

  it('appends wait for the trim hold to be published first', async () => {
    await open();
    const { transport, calls } = manualTransport();
    const ready = deferred();
    const t = archivedTransport(transport, archive, ready.promise);
    const publishing = t.publish([event(1)]);
    await tick();
    expect(calls).toHaveLength(0);
    ready.resolve();
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.done.resolve(undefined);
    await publishing;
  });
});
