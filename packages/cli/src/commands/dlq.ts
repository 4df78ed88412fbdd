// `agentctl dlq list [AGENT]`, `dlq replay AGENT [--id ID…|--all]`, `dlq purge AGENT [--id ID…]`:
// the dead letters of a running node. Replay re-delivers to that agent only, event ids unchanged.
import type { Command } from 'commander';
import { clientFrom, clientOptions, type ClientFlags } from '../client.js';
import { UsageError } from '../errors.js';
import { OUTPUT_FORMATS, formatTable, printStructured, type Io, type OutputFormat } from '../io.js';
import { age } from './get.js';
import { outputOption } from './shared.js';

interface DeadLetterJson {
  id: string;
  agent: string;
  reason: string;
  attempts: number;
  failedAt: string;
  error?: { code: string; message: string };
  event: { id: string; type: string; correlationid: string };
}

interface IdFlags extends ClientFlags {
  id?: string[];
  all?: boolean;
}

const path = (agent: string): string => `/v1/dlq/${encodeURIComponent(agent)}`;

export function register(program: Command, io: Io): void {
  const dlq = program
    .command('dlq')
    .description('dead letters: list, replay, purge')
    .addHelpText(
      'after',
      '\nExamples:\n  agentctl dlq list\n  agentctl dlq list sql-runner -o json\n  agentctl dlq replay sql-runner --all\n  agentctl dlq purge sql-runner --id 1712345678901-0',
    );

  const list = dlq
    .command('list')
    .description('dead-letter counts per agent, or the dead letters of one agent')
    .argument('[agent]', 'agent name')
    .option('--limit <n>', 'at most this many dead letters', '100');
  outputOption(clientOptions(list), OUTPUT_FORMATS, 'output format: table (default), json or yaml')
    .addHelpText(
      'after',
      '\nExamples:\n  agentctl dlq list\n  agentctl dlq list sql-runner --limit 10',
    )
    .action(
      async (
        agent: string | undefined,
        opts: ClientFlags & { output?: OutputFormat; limit: string },
      ) => {
        const client = clientFrom(io, opts, 'dlq list');
        const structured =
          opts.output === 'json' || opts.output === 'yaml' ? opts.output : undefined;
        if (agent === undefined) {
          const { items } = await client.request<{
            items: { agent: string; deadLetters: number }[];
          }>('GET', '/v1/dlq');
          if (structured) return printStructured(io, structured, items);
          io.out(
            formatTable(
              ['agent', 'dead-letters'],
              items.map((d) => [d.agent, String(d.deadLetters)]),
            ),
          );
          return;
        }
        const { items } = await client.request<{ items: DeadLetterJson[] }>('GET', path(agent), {
          query: { limit: opts.limit },
        });
        if (structured) return printStructured(io, structured, items);
        if (items.length === 0) {
          io.err(`no dead letters for ${agent}\n`);
          return;
        }
        io.out(
          formatTable(
            ['id', 'type', 'event', 'reason', 'attempts', 'age', 'error'],
            items.map((d) => [
              d.id,
              d.event.type,
              d.event.id,
              d.reason,
              String(d.attempts),
              age(d.failedAt),
              d.error ? `${d.error.code}: ${d.error.message}` : '',
            ]),
          ),
        );
      },
    );

  const replay = dlq
    .command('replay')
    .description('re-deliver dead letters to their agent (event ids unchanged)')
    .argument('<agent>', 'agent name')
    .option('--id <id...>', 'dead-letter ids (from dlq list)')
    .option('--all', 'every dead letter of the agent');
  clientOptions(replay)
    .addHelpText(
      'after',
      '\nExamples:\n  agentctl dlq replay sql-runner --all\n  agentctl dlq replay sql-runner --id 1712345678901-0',
    )
    .action(async (agent: string, opts: IdFlags) => {
      if (Boolean(opts.all) === Boolean(opts.id?.length))
        throw new UsageError('give either --id ID… or --all', 'dlq replay');
      const client = clientFrom(io, opts, 'dlq replay');
      const r = await client.request<{ replayed: number }>('POST', `${path(agent)}/replay`, {
        json: opts.all ? { all: true } : { ids: opts.id },
      });
      io.out(`${r.replayed} dead letter(s) of ${agent} replayed\n`);
    });

  const purge = dlq
    .command('purge')
    .description('delete dead letters of an agent (all, or the given ids)')
    .argument('<agent>', 'agent name')
    .option('--id <id...>', 'only these dead-letter ids');
  clientOptions(purge)
    .addHelpText(
      'after',
      '\nExamples:\n  agentctl dlq purge sql-runner\n  agentctl dlq purge sql-runner --id 1712345678901-0',
    )
    .action(async (agent: string, opts: IdFlags) => {
      const client = clientFrom(io, opts, 'dlq purge');
      const r = await client.request<{ purged: number }>('DELETE', path(agent), {
        query: { id: opts.id },
      });
      io.out(`${r.purged} dead letter(s) of ${agent} purged\n`);
    });
}
