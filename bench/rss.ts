// RSS growth of a long in-memory run: the 1-hop chain on the in-memory transport with worker
// threads, RSS sampled (after a forced GC) once the warm-up is through and again at the end,
// plus the peak seen on the way. Run in a child process of its own (rss-child.ts) so earlier
// scenarios' heaps do not blur the figure.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMemoryTransport, type MemoryTransportOptions } from '@troupe/runtime';
import { TroupeChain, type TroupeKnobs } from './troupe-chain.js';

export interface RssResult {
  events: number;
  seconds: number;
  throughput: number;
  /** MB after warm-up and GC. */
  rssStartMb: number;
  /** MB at the end, after GC. */
  rssEndMb: number;
  growthMb: number;
  peakMb: number;
  heapStartMb: number;
  heapEndMb: number;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function settle(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage();
}

export async function measureRss(
  events: number,
  warmup: number,
  knobs: TroupeKnobs,
  transport: MemoryTransportOptions = {},
  window = 1000,
): Promise<RssResult> {
  const chain = await TroupeChain.start(createMemoryTransport(transport), 1, knobs);
  try {
    await chain.drive(warmup, window, false);
    const start = await settle();
    let peak = process.memoryUsage.rss();
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 250);
    const { seconds } = await chain.drive(events, window, false);
    clearInterval(sampler);
    const end = await settle();
    return {
      events,
      seconds,
      throughput: events / seconds,
      rssStartMb: mb(start.rss),
      rssEndMb: mb(end.rss),
      growthMb: mb(end.rss - start.rss),
      peakMb: mb(Math.max(peak, end.rss)),
      heapStartMb: mb(start.heapUsed),
      heapEndMb: mb(end.heapUsed),
    };
  } finally {
    await chain.close();
  }
}
