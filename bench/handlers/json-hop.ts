// Benchmark handler: the Troupe side of raw-redis.ts's `jsonHandler`. The transport already
// parsed the envelope (the raw loop's JSON.parse) and will serialize the emission (its
// JSON.stringify); the handler touches the payload and emits the next type of the chain,
// named by the agent's `spec.config.next`.
import type { Handler } from '@troupe/core';

interface HopData {
  n: number;
  hop: number;
  text: string;
}

const handler: Handler<HopData, { next: string }> = (event, ctx) => {
  const v = event.data;
  ctx.emit(ctx.config.next, { n: v.n, hop: v.hop + 1, text: v.text });
};
export default handler;
