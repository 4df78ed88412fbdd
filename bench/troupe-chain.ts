// The Troupe side of the benchmark: a k-hop chain declared as manifests (EventTypes with a
// payload schema, one Agent per hop running handlers/json-hop.ts) applied to a real runtime
// node, fed through `runtime.publish` and observed at the terminal type with
// `transport.observe` (the way `waitFor` sees results). Measures saturated throughput with a
// bounded published-but-unfinished window, its latency, and one-at-a-time latency.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic, parseManifestText, validateSet, type CloudEvent } from '@troupe/core';
import {
  createRuntime,
  type Runtime,
  type RuntimeOptions,
  type Transport,
  type WorkerPoolOptions,
} from '@troupe/runtime';
import type { PhaseProfiler } from './profiler.js';
import { makeData } from './raw-redis.js';
import { nowUs, summarize, type Summary } from './stats.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Bench-side knobs of one Troupe configuration; anything absent keeps the user default. */
export interface TroupeKnobs {
  /** Agent `spec.concurrency`. Default: the manifest default (4). */
  concurrency?: number;
  /** Node-wide in-flight cap (`options.maxInFlight`). Default 256. */
  maxInFlight?: number;
  /** Worker pool options (threads, concurrentTasksPerWorker, maxBatchSize, atomics). */
  pool?: WorkerPoolOptions;
}

export interface ChainSizes {
  /** Events of the saturated run. */
  saturated: number;
  /** Events of the one-at-a-time run (0 skips it). */
  oneAtATime: number;
  /** Published-but-unfinished events allowed during the saturated run. */
  window: number;
  /** Unmeasured events first (handler module loading, JIT). */
  warmup: number;
}

export interface ChainResult {
  throughput: number;
  /** Publish → observed latency of the saturated run (queueing in the window included). */
  sat: Summary;
  low: Summary;
}

export const type = (i: number): string => `bench.e${i}`;

/** Manifest text of a `hops`-hop chain: e0 → hop-1 → e1 → … → hop-k → ek (terminal). */
export function chainManifest(hops: number, knobs: TroupeKnobs = {}): string {
  const schema =
    '{ type: object, required: [n, hop, text], properties: { n: { type: integer }, hop: { type: integer }, text: { type: string } } }';
  const docs: string[] = [];
  for (let i = 0; i <= hops; i++) {
    const role = i === 0 ? 'entry: true, ' : i === hops ? 'terminal: true, ' : '';
    docs.push(
      `apiVersion: troupe.dev/v1\nkind: EventType\nmetadata: { name: ${type(i)} }\nspec: { ${role}schema: ${schema} }`,
    );
  }
  for (let i = 1; i <= hops; i++) {
    const concurrency =
      knobs.concurrency === undefined ? '' : `\n  concurrency: ${knobs.concurrency}`;
    docs.push(
      `apiVersion: troupe.dev/v1\nkind: Agent\nmetadata: { name: hop-${i} }\nspec:\n  handler: ./handlers/json-hop.ts\n` +
        `  subscribe: [{ type: ${type(i - 1)} }]\n  emits: [${type(i)}]${concurrency}\n  config: { next: ${type(i)} }`,
    );
  }
  return docs.join('\n---\n') + '\n';
}

/** A runtime node with the chain applied and an observer on its terminal type. */
export class TroupeChain {
  private sent: number[] = [];
  private lat: number[] = [];
  private done = 0;
  private track = true;
  private wake: (() => void) | undefined;

  private constructor(
    readonly runtime: Runtime,
    readonly hops: number,
  ) {}

  static async start(
    transport: Transport,
    hops: number,
    knobs: TroupeKnobs,
    options: RuntimeOptions = {},
  ): Promise<TroupeChain> {
    const set = parseManifestText(chainManifest(hops, knobs), path.join(BENCH_DIR, 'chain.yaml'));
    const { ok, diagnostics } = validateSet(set);
    if (!ok) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
    const runtime = createRuntime({
      transport,
      nodeId: 'bench',
      options: {
        ...options,
        ...(knobs.maxInFlight === undefined ? {} : { maxInFlight: knobs.maxInFlight }),
        ...(knobs.pool === undefined ? {} : { pool: knobs.pool }),
      },
    });
    const chain = new TroupeChain(runtime, hops);
    await transport.observe([type(hops)], (e) => chain.arrived(e));
    await runtime.apply(set.manifests);
    return chain;
  }

  private arrived(e: CloudEvent): void {
    const n = (e.data as { n: number }).n;
    if (this.track) {
      const t0 = this.sent[n];
      if (t0 !== undefined) this.lat.push(nowUs() - t0);
    }
    this.done++;
    this.wake?.();
  }

  private progressed(): Promise<void> {
    return new Promise<void>((r) => (this.wake = r));
  }

  /** Publish `total` events keeping at most `window` unfinished; resolves when all arrived. */
  async drive(
    total: number,
    window: number,
    track = true,
  ): Promise<{ seconds: number; lat: number[] }> {
    this.track = track;
    this.lat = [];
    this.sent = [];
    const base = this.done;
    const t0 = nowUs();
    let published = 0;
    while (published < total) {
      const unfinished = published - (this.done - base);
      if (unfinished >= window) {
        await this.progressed();
        continue;
      }
      const batch = Math.min(100, window - unfinished, total - published);
      const ps: Promise<CloudEvent>[] = [];
      for (let i = 0; i < batch; i++, published++) {
        if (track) this.sent[published] = nowUs();
        ps.push(this.runtime.publish(type(0), makeData(published)));
      }
      await Promise.all(ps);
    }
    while (this.done - base < total) await this.progressed();
    return { seconds: (nowUs() - t0) / 1e6, lat: this.lat };
  }

  /** Warm-up, saturated run, one-at-a-time run; `profile` covers the saturated run only. */
  async run(
    sizes: ChainSizes,
    profile?: { profiler: PhaseProfiler; label: string },
  ): Promise<ChainResult> {
    if (sizes.warmup > 0) await this.drive(sizes.warmup, sizes.window, false);
    await profile?.profiler.start();
    const sat = await this.drive(sizes.saturated, sizes.window);
    await profile?.profiler.stop(profile.label);
    const low =
      sizes.oneAtATime > 0 ? await this.drive(sizes.oneAtATime, 1) : { seconds: 0, lat: [] };
    return {
      throughput: sizes.saturated / sat.seconds,
      sat: summarize(sat.lat),
      low: summarize(low.lat),
    };
  }

  close(): Promise<void> {
    return this.runtime.close({ deadlineMs: 5000 });
  }
}
