// `agentctl logs [-f] [--type T] [--correlation-id ID] [--agent A]`: the event tail of a running
// node. Without -f it prints the recent events and exits; with -f it follows the live
// server-sent-event stream until interrupted. One line per event, or NDJSON with -o json.
import type { CloudEvent } from '@troupe/core';
import type { Command } from 'commander';
import { Option } from 'commander';
import { clientFrom, clientOptions, type ClientFlags } from '../client.js';
import { CliFailure } from '../errors.js';
import type { Io } from '../io.js';

interface LogsFlags extends ClientFlags {
  follow?: boolean;
  type?: string;
  correlationId?: string;
  agent?: string;
  tail?: string;
  output?: 'text' | 'json';
}

function line(e: CloudEvent): string {
  return `${e.time ?? ''} ${e.type} ${e.id} correlation=${e.correlationid} source=${e.source} hops=${e.hops} ${JSON.stringify(e.data)}\n`;
}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('logs')
    .description('event tail of a running node (recent events; -f follows live)')
    .option('-f, --follow', 'keep streaming new events (server-sent events) until interrupted')
    .option('--type <types>', 'only these event types (comma-separated)')
    .option('--correlation-id <id>', 'only this correlation')
    .option('--agent <name>', 'only events this agent emitted or subscribes to')
    .option('--tail <n>', 'recent events shown first', '20')
    .addOption(
      new Option('-o, --output <format>', 'one line per event (text) or NDJSON (json)').choices([
        'text',
        'json',
      ]),
    );
  clientOptions(cmd)
    .addHelpText(
      'after',
      '\nExamples:\n  agentctl logs\n  agentctl logs -f --type TextStats\n  agentctl logs -f --correlation-id $ID -o json',
    )
    .action(async (opts: LogsFlags) => {
      const client = clientFrom(io, opts, 'logs');
      const print = (e: CloudEvent): void =>
        io.out(opts.output === 'json' ? `${JSON.stringify(e)}\n` : line(e));
      const query = { type: opts.type, correlationId: opts.correlationId, agent: opts.agent };
      if (!opts.follow) {
        const { items } = await client.request<{ items: CloudEvent[] }>('GET', '/v1/events', {
          query: { ...query, limit: opts.tail },
        });
        items.forEach(print);
        return;
      }
      const ac = new AbortController();
      const stop = (): void => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      io.err(`following events on ${client.server} (Ctrl-C to stop)\n`);
      try {
        for await (const e of client.events<CloudEvent>('/v1/events/stream', {
          query: { ...query, recent: opts.tail },
          signal: ac.signal,
        }))
          print(e);
        if (!ac.signal.aborted) throw new CliFailure(`${client.server} closed the event stream`);
      } catch (err) {
        if (!ac.signal.aborted || err instanceof CliFailure) throw err;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
