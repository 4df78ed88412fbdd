// Child-process entry of the RSS scenario: `tsx bench/rss-child.ts '<json input>'` runs
// measureRss and prints its result as one JSON line on stdout.
import { measureRss } from './rss.js';
import type { TroupeKnobs } from './troupe-chain.js';

interface Input {
  events: number;
  warmup: number;
  knobs: TroupeKnobs;
  transport?: { dedupeWindowMs?: number; budgetWindowMs?: number };
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
const result = await measureRss(input.events, input.warmup, input.knobs, input.transport ?? {});
process.stdout.write(JSON.stringify(result) + '\n');
