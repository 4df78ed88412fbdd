// The built-in MCP tools (DESIGN.md §6): list_agents, describe_topology, validate_manifest,
// publish_event, get_trace, list_dead_letters, replay_dead_letter, workspace_search. Each is a
// definition (JSON Schema input, honest annotations) and a handler over the backend; arguments
// are validated with the same validator as declared Tools, so errors name the field.
import path from 'node:path';
import {
  buildGraph,
  formatDiagnostic,
  parseManifestText,
  renderGraphData,
  renderMermaid,
  uuidv7,
  validateSet,
  type CloudEvent,
} from '@troupe/core';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpBackend } from './backend.js';
import type { InputValidator } from './input-validation.js';
import { errorResult, okResult, pretty, thrownResult } from './results.js';

/** Default `timeoutMs` of `publish_event` with `wait`. */
export const DEFAULT_PUBLISH_WAIT_MS = 30_000;
/** Default `limit` of `list_dead_letters` and `workspace_search`. */
export const DEFAULT_LIST_LIMIT = 50;

export interface BuiltinContext {
  readonly backend: McpBackend;
  /** Directory manifest text given to `validate_manifest` is placed in (handler resolution). */
  readonly projectRoot: string;
}

type Args = Record<string, unknown>;

interface Builtin {
  readonly definition: Tool;
  run(args: Args, ctx: BuiltinContext): Promise<CallToolResult>;
}

const str = (description: string): { type: string; description: string } => ({
  type: 'string',
  description,
});
const obj = (properties: Record<string, object>, required: string[] = []): Tool['inputSchema'] => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;
const limit = {
  type: 'integer',
  minimum: 1,
  maximum: 1000,
  description: `Default ${DEFAULT_LIST_LIMIT}.`,
};

const listAgents: Builtin = {
  definition: {
    name: 'list_agents',
    description:
      'List the running agents with their state, breaker, in-flight count and counters (consumed, succeeded, failed, retried, dead-lettered).',
    inputSchema: obj({}),
    annotations: { title: 'List agents', ...READ_ONLY },
  },
  async run(_args, { backend }) {
    const agents = await backend.agents();
    const lines = agents.map(
      (a) =>
        `${a.name}: ${a.state}, breaker ${a.breaker}, ${a.inFlight} in flight, ${a.succeeded} ok, ${a.failed} failed, ${a.deadLettered} dead-lettered`,
    );
    return okResult(lines.length > 0 ? lines.join('\n') : 'no agents are running', {
      agents: [...agents],
    });
  },
};

const describeTopology: Builtin = {
  definition: {
    name: 'describe_topology',
    description:
      'The choreography graph of the applied manifests: which participant (agent, aggregator, saga, tool) emits and consumes which event type, as Mermaid text plus structured nodes and edges.',
    inputSchema: obj({}),
    annotations: { title: 'Describe topology', ...READ_ONLY },
  },
  async run(_args, { backend }) {
    const graph = buildGraph(await backend.manifests());
    const mermaid = renderMermaid(graph);
    return okResult(mermaid, {
      mermaid,
      ...renderGraphData(graph),
    });
  },
};

const validateManifest: Builtin = {
  definition: {
    name: 'validate_manifest',
    description:
      'Validate manifest YAML text offline (schema and static analysis of that text alone): returns diagnostics as file:line:col: path: message. Changes nothing.',
    inputSchema: obj(
      {
        text: str('The manifest YAML (one or more documents).'),
        path: str(
          'Where the text would live, relative to the project root (names locations, anchors handler paths). Default manifest.yaml.',
        ),
      },
      ['text'],
    ),
    annotations: { title: 'Validate manifest', ...READ_ONLY },
  },
  run(args, { projectRoot }) {
    const rel = typeof args.path === 'string' ? args.path : 'manifest.yaml';
    const file = path.resolve(projectRoot, rel);
    if (path.isAbsolute(rel) || !file.startsWith(path.resolve(projectRoot) + path.sep))
      return Promise.resolve(
        errorResult(`path must be relative and stay inside the project root, got ${rel}`),
      );
    const { ok, diagnostics, set } = validateSet(parseManifestText(args.text as string, file));
    const relative = diagnostics.map((d) =>
      d.location ? { ...d, location: { ...d.location, file: rel } } : d,
    );
    const text = ok
      ? `valid: ${set.manifests.length} document(s)${relative.length > 0 ? `, ${relative.length} warning(s)\n${relative.map(formatDiagnostic).join('\n')}` : ''}`
      : `invalid:\n${relative.map(formatDiagnostic).join('\n')}`;
    return Promise.resolve(
      okResult(text, { ok, documents: set.manifests.length, diagnostics: relative }),
    );
  },
};

const publishEvent: Builtin = {
  definition: {
    name: 'publish_event',
    description:
      'Publish an event of an entry type into the running system. With `wait`, also wait for the first event of those types in the same correlation and return it (a timeout is an error naming the correlation id).',
    inputSchema: obj(
      {
        type: str('Event type (must be an entry type when it has an EventType).'),
        data: { description: 'The event data (checked against the type schema).' },
        correlationId: str('Join this correlation. Default: a new one.'),
        wait: {
          type: 'array',
          items: { type: 'string' },
          minItems: 1,
          description: 'Event types to await.',
        },
        timeoutMs: {
          type: 'integer',
          minimum: 1,
          maximum: 600000,
          description: `How long to wait. Default ${DEFAULT_PUBLISH_WAIT_MS}.`,
        },
      },
      ['type'],
    ),
    // The handlers it triggers may do anything: not read-only, not promised harmless.
    annotations: {
      title: 'Publish event',
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: true,
    },
  },
  async run(args, { backend }) {
    const type = args.type as string;
    const correlationId = typeof args.correlationId === 'string' ? args.correlationId : uuidv7();
    const wait = Array.isArray(args.wait) ? (args.wait as string[]) : undefined;
    const timeoutMs = typeof args.timeoutMs === 'number' ? args.timeoutMs : DEFAULT_PUBLISH_WAIT_MS;
    const armed = wait ? await backend.waitFor(correlationId, wait, timeoutMs) : undefined;
    let published: CloudEvent;
    try {
      published = await backend.publish(type, args.data ?? {}, {
        correlationId,
        source: 'troupe://mcp',
      });
    } catch (err) {
      await armed?.cancel();
      return thrownResult(err, `cannot publish ${type}: `);
    }
    if (!armed)
      return okResult(`published ${type} ${published.id} (correlation ${correlationId})`, {
        correlationId,
        event: published as unknown as Record<string, unknown>,
      });
    try {
      const outcome = await armed.event;
      return okResult(`${outcome.type} (correlation ${correlationId})\n${pretty(outcome.data)}`, {
        correlationId,
        published: published as unknown as Record<string, unknown>,
        event: outcome as unknown as Record<string, unknown>,
      });
    } catch (err) {
      return thrownResult(err);
    }
  },
};

const getTrace: Builtin = {
  definition: {
    name: 'get_trace',
    description:
      'The causal tree of one correlation: every event, who handled it, attempts, outcome and timings.',
    inputSchema: obj({ correlationId: str('The correlation id.') }, ['correlationId']),
    annotations: { title: 'Get trace', ...READ_ONLY },
  },
  async run(args, { backend }) {
    const trace = await backend.trace(args.correlationId as string);
    return okResult(pretty(trace), { trace: trace as Record<string, unknown> });
  },
};

const listDeadLetters: Builtin = {
  definition: {
    name: 'list_dead_letters',
    description:
      'Dead letters (events an agent gave up on) with reason, attempts, error and the original event; of one agent or of all.',
    inputSchema: obj({ agent: str('Only this agent. Default: every agent.'), limit }),
    annotations: { title: 'List dead letters', ...READ_ONLY },
  },
  async run(args, { backend }) {
    const agent = typeof args.agent === 'string' ? args.agent : undefined;
    const letters = await backend.deadLetters(
      agent,
      (args.limit as number | undefined) ?? DEFAULT_LIST_LIMIT,
    );
    const text = letters.length
      ? letters
          .map(
            (d) =>
              `${d.agent} ${d.id}: ${d.reason} after ${d.attempts} attempt(s), ${d.event.type} ${d.event.id}${d.error ? ` (${d.error.message})` : ''}`,
          )
          .join('\n')
      : 'no dead letters';
    return okResult(text, { deadLetters: [...letters] });
  },
};

const replayDeadLetter: Builtin = {
  definition: {
    name: 'replay_dead_letter',
    description:
      'Re-deliver dead letters of one agent (event ids unchanged, attempts restarted) and remove them from its dead-letter stream. Give `ids`, or `all: true`.',
    inputSchema: obj(
      {
        agent: str('The agent whose dead letters to replay.'),
        ids: {
          type: 'array',
          items: { type: 'string' },
          minItems: 1,
          description: 'Dead-letter ids (from list_dead_letters).',
        },
        all: { type: 'boolean', description: 'Replay every dead letter of the agent.' },
      },
      ['agent'],
    ),
    // Removes entries from the dead-letter stream and re-runs handlers with side effects.
    annotations: {
      title: 'Replay dead letters',
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: true,
    },
  },
  async run(args, { backend }) {
    const ids = Array.isArray(args.ids) ? (args.ids as string[]) : undefined;
    if (!ids && args.all !== true)
      return errorResult('give ids (from list_dead_letters) or all: true; nothing was replayed');
    const agent = args.agent as string;
    const n = await backend.replayDeadLetters(agent, ids);
    return okResult(`replayed ${n} dead letter(s) of ${agent}`, { agent, replayed: n });
  },
};

const workspaceSearch: Builtin = {
  definition: {
    name: 'workspace_search',
    description:
      'Search the shared workspace: entries of one scope (a correlation id, or global) or of all scopes, by text in key or value and by tags.',
    inputSchema: obj({
      scope: str('A correlation id, `global`, or `all-scopes` (default).'),
      text: str('Case-insensitive substring of the key or the JSON value.'),
      tags: {
        type: 'array',
        items: { type: 'string' },
        description: 'Entries carrying every tag.',
      },
      limit,
    }),
    annotations: { title: 'Search workspace', ...READ_ONLY },
  },
  async run(args, { backend }) {
    const entries = await backend.workspaceSearch({
      scope: typeof args.scope === 'string' ? args.scope : 'all-scopes',
      ...(typeof args.text === 'string' ? { text: args.text } : {}),
      ...(Array.isArray(args.tags) ? { tags: args.tags as string[] } : {}),
      limit: (args.limit as number | undefined) ?? DEFAULT_LIST_LIMIT,
    });
    const text = entries.length
      ? entries
          .map(
            (e) =>
              `${e.scope}/${e.key} v${e.version} [${e.tags.join(', ')}]: ${JSON.stringify(e.value).slice(0, 200)}`,
          )
          .join('\n')
      : 'no entries';
    return okResult(text, { entries: [...entries] });
  },
};

/** Every built-in tool, in listing order. */
export const BUILTIN_TOOLS: readonly Builtin[] = [
  listAgents,
  describeTopology,
  validateManifest,
  publishEvent,
  getTrace,
  listDeadLetters,
  replayDeadLetter,
  workspaceSearch,
];

const byName = new Map(BUILTIN_TOOLS.map((b) => [b.definition.name, b]));

/** Is `name` a built-in tool? */
export function isBuiltinTool(name: string): boolean {
  return byName.has(name);
}

/** Run built-in `name`: arguments validated first; never throws, failures are error results. */
export async function callBuiltinTool(
  name: string,
  args: Args,
  ctx: BuiltinContext,
  validator: InputValidator,
): Promise<CallToolResult> {
  const builtin = byName.get(name);
  if (!builtin) return errorResult(`unknown tool ${name}`);
  const problems = validator.problems(builtin.definition.inputSchema, args);
  if (problems.length > 0)
    return errorResult(`invalid arguments for ${name}: ${problems.join('; ')}`);
  try {
    return await builtin.run(args, ctx);
  } catch (err) {
    return thrownResult(err, `${name}: `);
  }
}
