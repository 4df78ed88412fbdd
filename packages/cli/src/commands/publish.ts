// `agentctl publish TYPE --data JSON [--correlation-id ID] [--wait TYPES --timeout MS]` and
// `agentctl trace ID`: put an entry event into a running node, optionally await the first
// outcome of the listed types in its correlation (exit 1 on timeout, naming the correlation),
// and show the causal tree of a correlation.
import type { CloudEvent } from '@troupe/core';
import type { Command } from 'commander';
import { ServerProblem, clientFrom, clientOptions, type ClientFlags } from '../client.js';
import { CliFailure } from '../errors.js';
import { OUTPUT_FORMATS, printStructured, type Io, type OutputFormat } from '../io.js';
import { intFlag } from './up.js';
import { listFlag, parseDataFlag } from './run.js';
import { outputOption } from './shared.js';

interface PublishFlags extends ClientFlags {
  data: string;
  correlationId?: string;
  wait?: string;
  timeout?: string;
  output?: OutputFormat;
}

/** Default of --timeout, in ms. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;

function printEvent(io: Io, event: CloudEvent): void {
  io.out(
    `${event.type}  correlation=${event.correlationid}  source=${event.source}  hops=${event.hops}\n`,
  );
  io.out(`${JSON.stringify(event.data, null, 2)}\n`);
}

export function register(program: Command, io: Io): void {
  const publish = program
    .command('publish')
    .description('publish an entry event into a running node; with --wait, print the first outcome')
    .argument('<type>', 'event type (declared entry: true)')
    .option('--data <json>', 'the event data, as JSON', '{}')
    .option('--correlation-id <id>', 'join this correlation (default: a new one)')
    .option('--wait <types>', 'comma-separated event types to await in the same correlation')
    .option('--timeout <ms>', `how long to wait (default: ${DEFAULT_PUBLISH_TIMEOUT_MS})`);
  outputOption(
    clientOptions(publish),
    OUTPUT_FORMATS,
    'output format: table (default), json or yaml',
  )
    .addHelpText(
      'after',
      `
Examples:
  agentctl publish TextSubmitted --data '{"text":"hello world"}'
  agentctl publish TextSubmitted --data '{"text":"hello"}' --wait TextStats --timeout 10000 -o json`,
    )
    .action(async (type: string, opts: PublishFlags) => {
      const data = parseDataFlag(opts.data);
      const wait = opts.wait === undefined ? undefined : listFlag(opts.wait, '--wait');
      const timeoutMs = intFlag(opts.timeout, '--timeout', 'publish') ?? DEFAULT_PUBLISH_TIMEOUT_MS;
      if (opts.timeout !== undefined && !wait)
        io.err('note: --timeout has no effect without --wait\n');
      const client = clientFrom(io, opts, 'publish');
      const body = {
        type,
        data,
        ...(opts.correlationId ? { correlationId: opts.correlationId } : {}),
      };
      const structured = opts.output === 'json' || opts.output === 'yaml' ? opts.output : undefined;
      if (!wait) {
        const { event } = await client.request<{ event: CloudEvent }>('POST', '/v1/events', {
          json: body,
        });
        if (structured) return printStructured(io, structured, event);
        io.out(`${event.type} ${event.id} published (correlation ${event.correlationid})\n`);
        return;
      }
      io.err(`published ${type}; waiting up to ${timeoutMs} ms for ${wait.join(' or ')}\n`);
      try {
        const { result } = await client.request<{ request: CloudEvent; result: CloudEvent }>(
          'POST',
          '/v1/events',
          {
            json: { ...body, wait, timeoutMs },
          },
        );
        if (structured) return printStructured(io, structured, result);
        printEvent(io, result);
      } catch (err) {
        if (err instanceof ServerProblem && err.code === 'TIMEOUT')
          throw new CliFailure(`timed out after ${timeoutMs} ms: ${err.message}`);
        throw err;
      }
    });

  const trace = program
    .command('trace')
    .description('the causal tree of a correlation: every event, who handled it, attempts, outcome')
    .argument('<correlation-id>', 'the correlation id');
  outputOption(
    clientOptions(trace),
    OUTPUT_FORMATS,
    'output format: table (default: the tree), json or yaml',
  )
    .addHelpText(
      'after',
      '\nExamples:\n  agentctl trace 0192f1c4-7d1e-7c3a-9f00-1b2c3d4e5f60\n  agentctl trace $ID -o json',
    )
    .action(async (id: string, opts: ClientFlags & { output?: OutputFormat }) => {
      const client = clientFrom(io, opts, 'trace');
      const path = `/v1/traces/${encodeURIComponent(id)}`;
      if (opts.output === 'json' || opts.output === 'yaml')
        return printStructured(io, opts.output, await client.request<unknown>('GET', path));
      io.out(await client.text(path, { query: { format: 'text' } }));
    });
}
