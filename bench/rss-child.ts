// Child-process entry of the RSS scenario: `tsx bench/rss-child.ts '<json input>'` runs
// measureRss and prints its result as one JSON line on stdout.
import { measureRss } from './rss.js';
import type { RssInput } from './scenarios.js';

const input = JSON.parse(process.argv[2] ?? '{}') as RssInput;
const result = await measureRss(input.events, input.warmup, input.knobs, input.transport ?? {});
process.stdout.write(JSON.stringify(result) + '\n');
