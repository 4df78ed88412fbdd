// `agentctl get agents|events|dlq|manifests`, `describe agent NAME`, `delete KIND NAME`: read
// and change the state of a running node. Tables are kubectl's borderless ones; `-o json|yaml`
// prints what the API returned.
import type { Command } from 'commander';
import { clientFrom, clientOptions, type ClientFlags } from '../client.js';
import { UsageError } from '../errors.js';
import { OUTPUT_FORMATS, formatTable, printStructured, type Io, type OutputFormat } from '../io.js';
import { outputOption } from './shared.js';

interface GetFlags extends ClientFlags {
  output?: OutputFormat;
  type?: string;
  correlationId?: string;
  agent?: string;
  limit?: string;
}

interface AgentJson {
  name: string;
  state: string;
  inFlight: number;
  breaker: string;
  consumed: number;
  succeeded: number;
  failed: number;
  retried: number;
  deadLettered: number;
  failures: number;
  subscribes: string[];
  emits: string[];
  stats?: { lag: number; pending: number; deadLetters: number };
}

interface EventJson {
  id: string;
  type: string;
  time?: string;
  source: string;
  correlationid: string;
  hops: number;
}

const RESOURCES = ['agents', 'events', 'dlq', 'manifests'] as const;
type Resource = (typeof RESOURCES)[number];

function resourceOf(raw: string): Resource {
  const r = raw.toLowerCase();
  const found = RESOURCES.find(
    (x) => x === r || x === `${r}s` || (x === 'dlq' && r === 'dead-letters'),
  );
  if (!found)
    throw new UsageError(
      `unknown resource '${raw}': expected one of ${RESOURCES.join(', ')}`,
      'get',
    );
  return found;
}

const n = (v: number | undefined): string => (v === undefined ? '-' : String(v));

/** A compact age: 5s, 3m, 2h, 4d. */
export function age(iso: string | undefined, now = Date.now()): string {
  const t = iso === undefined ? NaN : Date.parse(iso);
  if (!Number.isFinite(t)) return '-';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

function table(
  io: Io,
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  empty: string,
): void {
  if (rows.length === 0) io.err(`${empty}\n`);
  else io.out(formatTable(headers, rows));
}

async function get(io: Io, resource: Resource, opts: GetFlags): Promise<void> {
  const client = clientFrom(io, opts, 'get');
  const structured = opts.output === 'json' || opts.output === 'yaml' ? opts.output : undefined;
  switch (resource) {
    case 'agents': {
      const { items } = await client.request<{ items: AgentJson[] }>('GET', '/v1/agents');
      if (structured) return printStructured(io, structured, items);
      return table(
        io,
        ['name', 'state', 'in-flight', 'ok', 'failed', 'retried', 'dlq', 'lag', 'breaker'],
        items.map((a) => [
          a.name,
          a.state,
          n(a.inFlight),
          n(a.succeeded),
          n(a.failed),
          n(a.retried),
          n(a.stats?.deadLetters ?? a.deadLettered),
          n(a.stats?.lag),
          a.breaker,
        ]),
        'no agents on this node',
      );
    }
    case 'events': {
      const { items } = await client.request<{ items: EventJson[] }>('GET', '/v1/events', {
        query: {
          type: opts.type,
          correlationId: opts.correlationId,
          agent: opts.agent,
          limit: opts.limit,
        },
      });
      if (structured) return printStructured(io, structured, items);
      return table(
        io,
        ['age', 'type', 'id', 'correlation', 'source', 'hops'],
        items.map((e) => [age(e.time), e.type, e.id, e.correlationid, e.source, String(e.hops)]),
        'no recent events',
      );
    }
    case 'dlq': {
      const { items } = await client.request<{ items: { agent: string; deadLetters: number }[] }>(
        'GET',
        '/v1/dlq',
      );
      if (structured) return printStructured(io, structured, items);
      return table(
        io,
        ['agent', 'dead-letters'],
        items.map((d) => [d.agent, String(d.deadLetters)]),
        'no agents on this node',
      );
    }
    case 'manifests': {
      const { items } = await client.request<{
        items: { kind: string; name: string; path: string; line: number; appliedAt: string }[];
      }>('GET', '/v1/manifests');
      if (structured) return printStructured(io, structured, items);
      return table(
        io,
        ['kind', 'name', 'source', 'age'],
        items.map((m) => [m.kind, m.name, `${m.path}:${m.line}`, age(m.appliedAt)]),
        'no manifests applied',
      );
    }
  }
}

function describeAgent(
  io: Io,
  a: AgentJson & {
    spec?: Record<string, unknown>;
    labels?: Record<string, string>;
    manifest?: { path: string; line: number; appliedAt: string };
  },
): void {
  const lines: [string, string][] = [
    ['Name', a.name],
    ['State', a.state],
    [
      'Labels',
      Object.entries(a.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || '<none>',
    ],
    [
      'Manifest',
      a.manifest
        ? `${a.manifest.path}:${a.manifest.line} (applied ${age(a.manifest.appliedAt)} ago)`
        : '<unknown>',
    ],
    ['Subscribes', a.subscribes.join(', ') || '<none>'],
    ['Emits', a.emits.join(', ') || '<none>'],
    ['Breaker', `${a.breaker} (${a.failures} consecutive failures)`],
    ['In flight', String(a.inFlight)],
    [
      'Counters',
      `consumed ${a.consumed}, ok ${a.succeeded}, failed ${a.failed}, retried ${a.retried}, dead-lettered ${a.deadLettered}`,
    ],
    [
      'Group',
      a.stats
        ? `lag ${a.stats.lag}, pending ${a.stats.pending}, dead letters ${a.stats.deadLetters}`
        : '<transport unavailable>',
    ],
  ];
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  for (const [k, v] of lines) io.out(`${`${k}:`.padEnd(width)}${v}\n`);
  if (a.spec) {
    io.out('Spec:\n');
    for (const line of JSON.stringify(a.spec, null, 2).split('\n')) io.out(`  ${line}\n`);
  }
}

export function register(program: Command, io: Io): void {
  const getCmd = program
    .command('get')
    .description('list agents, recent events, dead-letter counts or applied manifests')
    .argument('<resource>', `one of ${RESOURCES.join(', ')}`)
    .option('--type <types>', 'events: only these types (comma-separated)')
    .option('--correlation-id <id>', 'events: only this correlation')
    .option('--agent <name>', 'events: only events this agent emitted or subscribes to')
    .option('--limit <n>', 'events: at most this many (newest)');
  outputOption(
    clientOptions(getCmd),
    OUTPUT_FORMATS,
    'output format: table (default), json or yaml',
  )
    .addHelpText(
      'after',
      `
Examples:
  agentctl get agents
  agentctl get events --type TextStats --limit 20 -o json
  agentctl get manifests -o yaml`,
    )
    .action((resource: string, opts: GetFlags) => get(io, resourceOf(resource), opts));

  const describe = program
    .command('describe')
    .description('show one agent in detail: status, counters, breaker, lag, spec')
    .argument('<kind>', 'agent')
    .argument('<name>', 'agent name');
  outputOption(
    clientOptions(describe),
    OUTPUT_FORMATS,
    'output format: table (default), json or yaml',
  )
    .addHelpText(
      'after',
      '\nExamples:\n  agentctl describe agent tokenizer\n  agentctl describe agent tokenizer -o json',
    )
    .action(async (kind: string, name: string, opts: GetFlags) => {
      if (!/^agents?$/i.test(kind))
        throw new UsageError(`describe supports 'agent', got '${kind}'`, 'describe');
      const client = clientFrom(io, opts, 'describe');
      const agent = await client.request<Parameters<typeof describeAgent>[1]>(
        'GET',
        `/v1/agents/${encodeURIComponent(name)}`,
      );
      if (opts.output === 'json' || opts.output === 'yaml')
        return printStructured(io, opts.output, agent);
      describeAgent(io, agent);
    });

  const del = program
    .command('delete')
    .description('delete an applied manifest document (an Agent stops at once)')
    .argument('<kind>', 'Agent, EventType, Aggregator, Saga, Connection or Tool (case-insensitive)')
    .argument('<name>', 'metadata.name')
    .option('--force', 'delete even when the remaining manifests would not pass the analysis');
  clientOptions(del)
    .addHelpText(
      'after',
      '\nExamples:\n  agentctl delete agent word-counter\n  agentctl delete eventtype TextStats --force',
    )
    .action(async (kind: string, name: string, opts: ClientFlags & { force?: boolean }) => {
      const client = clientFrom(io, opts, 'delete');
      const r = await client.request<{ kind: string; name: string }>(
        'DELETE',
        `/v1/manifests/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`,
        { query: { force: opts.force ? 'true' : undefined } },
      );
      io.out(`${r.kind.toLowerCase()}/${r.name} deleted\n`);
    });
}
