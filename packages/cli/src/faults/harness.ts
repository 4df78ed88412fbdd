// Fault-injection harness: runtime nodes as real `agentctl up --redis` child processes, a steady
// producer, and a checker that reads what actually reached Redis. Every figure the fault tests
// report comes from here: lost events, duplicate emissions, duplicate invocations.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { createEvent, type CloudEvent } from '@troupe/core';

const bin = fileURLToPath(new URL('../../bin/agentctl.mjs', import.meta.url));
export const manifestPath = fileURLToPath(new URL('./fixtures/faults.yaml', import.meta.url));

export interface NodeOptions {
  redisUrl: string;
  namespace: string;
  nodeId: string;
  visibilityTimeoutMs?: number;
}

/** One `agentctl up` child process. Only this pid is ever signalled. */
export class RuntimeNodeProcess {
  private child: ChildProcess | undefined;
  stderr = '';

  constructor(private readonly options: NodeOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Start and wait until the node logs that its agents run. */
  async start(): Promise<void> {
    const o = this.options;
    this.stderr = '';
    const child = spawn(
      process.execPath,
      [
        bin,
        'up',
        '-f',
        manifestPath,
        '--redis',
        o.redisUrl,
        '--namespace',
        o.namespace,
        '--node-id',
        o.nodeId,
      ],
      {
        env: {
          ...process.env,
          FAULT_REDIS_URL: o.redisUrl,
          FAULT_NAMESPACE: o.namespace,
          TROUPE_VISIBILITY_TIMEOUT_MS: String(o.visibilityTimeoutMs ?? 2000),
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    child.stdout?.resume();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`node ${o.nodeId} did not start:\n${this.stderr}`)),
        30_000,
      );
      child.stderr?.on('data', (b: Buffer) => {
        this.stderr += b.toString();
        if (/troupe node \S+ up on /.test(this.stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`node ${o.nodeId} exited (${code ?? signal}) before ready:\n${this.stderr}`),
        );
      });
    });
  }

  signal(sig: NodeJS.Signals): void {
    this.child?.kill(sig);
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM, wait for a graceful exit; resolves the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null)
      return child?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(t);
    return code;
  }
}

function newClient(url: string) {
  return createClient({ url, RESP: 2 });
}

type Redis = ReturnType<typeof newClient>;

/** Publishes Job events straight into the stream layout the Redis transport reads. */
export class Producer {
  readonly published: CloudEvent[] = [];
  constructor(
    private readonly redis: Redis,
    private readonly streamKey: (type: string) => string,
  ) {}

  async publish(n: number, extra: Record<string, unknown> = {}): Promise<CloudEvent> {
    const event = createEvent({ type: 'Job', data: { n, ...extra }, source: 'troupe://faults' });
    this.published.push(event);
    await this.redis.xAdd(this.streamKey('Job'), '*', { e: JSON.stringify(event) });
    return event;
  }
}

export interface Tally {
  /** Job ids with at least one JobDone whose causation is that job. */
  completed: Set<string>;
  /** JobDone stream entries in total (duplicates = entries − unique ids). */
  entries: number;
  uniqueIds: number;
}

/** Reads the whole JobDone stream. */
export async function tallyDone(redis: Redis, key: string): Promise<Tally> {
  const completed = new Set<string>();
  const ids = new Set<string>();
  let entries = 0;
  let start = '-';
  for (;;) {
    const batch = (await redis.xRange(key, start, '+', { COUNT: 1000 })) ?? [];
    for (const m of batch) {
      if (start !== '-' && m.id === start) continue;
      entries++;
      const ev = JSON.parse(m.message.e ?? '{}') as CloudEvent;
      ids.add(ev.id);
      if (ev.causationid) completed.add(ev.causationid);
    }
    if (batch.length < 1000) break;
    start = batch[batch.length - 1]!.id;
  }
  return { completed, entries, uniqueIds: ids.size };
}

/** Resolves once `count` more jobs completed than when it was called (or after `maxMs`). */
export async function progress(
  redis: Redis,
  key: string,
  count: number,
  maxMs = 60_000,
): Promise<number> {
  const base = (await tallyDone(redis, key)).completed.size;
  const until = Date.now() + maxMs;
  for (;;) {
    const now = (await tallyDone(redis, key)).completed.size;
    if (now - base >= count || Date.now() > until) return now - base;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls until every published job completed (or the deadline passes). */
export async function waitAllDone(
  redis: Redis,
  key: string,
  published: readonly CloudEvent[],
  deadlineMs: number,
): Promise<Tally> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const t = await tallyDone(redis, key);
    if (published.every((e) => t.completed.has(e.id)) || Date.now() > until) return t;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sum of handler invocations recorded by the fixture handler. */
export async function invocations(
  redis: Redis,
  ns: string,
): Promise<{ total: number; events: number }> {
  const all = await redis.hGetAll(`${ns}:invocations`);
  const counts = Object.values(all).map(Number);
  return { total: counts.reduce((a, b) => a + b, 0), events: counts.length };
}

export async function connect(url: string): Promise<Redis> {
  const c = newClient(url);
  // Reconnects are expected (the suite restarts Redis); without a listener node-redis throws them.
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `intervalMs` until it returns true; throws naming `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** An entry of a consumer group's pending list, with the event it carries. */
export interface PendingJob {
  entryId: string;
  event: CloudEvent;
}

/**
 * The entries of `streamKey` pending on `consumer` in `group` (delivered, not yet settled),
 * each with its event. Entries whose stream entry is gone are left out.
 */
export async function pendingOn(
  redis: Redis,
  streamKey: string,
  group: string,
  consumer: string,
): Promise<PendingJob[]> {
  // Extended form, one row per entry: [id, consumer, idle ms, deliveries].
  const rows = await redis.sendCommand<[string, string, number, number][]>([
    'XPENDING',
    streamKey,
    group,
    '-',
    '+',
    '10000',
    consumer,
  ]);
  const out: PendingJob[] = [];
  for (const [entryId] of rows) {
    const [entry] = (await redis.xRange(streamKey, entryId, entryId)) ?? [];
    if (entry?.message.e) out.push({ entryId, event: JSON.parse(entry.message.e) as CloudEvent });
  }
  return out;
}

/** Handler invocations per event id, as the fixture handler recorded them. */
export async function invocationsOf(redis: Redis, ns: string): Promise<Map<string, number>> {
  const all = await redis.hGetAll(`${ns}:invocations`);
  return new Map(Object.entries(all).map(([id, n]) => [id, Number(n)]));
}

/** What Redis holds for the fault suite's agent: printed when a fault test fails. */
export async function diagnose(
  redis: Redis,
  ns: string,
  lostIds: readonly string[],
): Promise<string> {
  const dlq = (await redis.xRange(`${ns}:dlq:job-worker`, '-', '+')) ?? [];
  const pending = await redis.sendCommand([
    'XPENDING',
    `${ns}:ev:Job`,
    'job-worker',
    '-',
    '+',
    '100',
  ]);
  const groups = await redis.sendCommand(['XINFO', 'GROUPS', `${ns}:ev:Job`]);
  const retryLen = await redis.xLen(`${ns}:retry:job-worker`).catch(() => -1);
  const retryZ = await redis.zCard(`${ns}:retryz:job-worker`).catch(() => -1);
  const dlqLost = dlq.filter((m) => lostIds.some((id) => (m.message.event ?? '').includes(id)));
  return JSON.stringify(
    {
      dlq: dlq.length,
      dlqOfLost: dlqLost.map((m) => m.message),
      pending,
      groups,
      retryLen,
      retryZ,
      lostIds,
    },
    null,
    1,
  );
}
