// Static analysis of a manifest set (DESIGN.md §3): duplicate names, unknown connections, the
// flow of event types between emitters and consumers (orphans, dead subscriptions, aggregators
// and tools that can never finish), cycles among agents, and agents no entry point reaches.
import { findAgentCycles, formatCycle } from './cycles.js';
import { DiagnosticCode } from './diagnostic-codes.js';
import { didYouMean } from './did-you-mean.js';
import {
  buildGraph,
  indexByType,
  type ChoreographyGraph,
  type GraphEdge,
  type TypeIndex,
} from './graph.js';
import { at } from './source-map.js';
import type { Diagnostic, LoadedManifest, Severity, SourceLocation } from './types.js';

function where(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** Kinds that run as consumer groups named after them: their names must not meet. */
const CONSUMER_KINDS: ReadonlySet<string> = new Set(['Agent', 'Aggregator', 'Saga']);

function checkDuplicates(manifests: readonly LoadedManifest[], out: Diagnostic[]): void {
  const first = new Map<string, LoadedManifest>();
  for (const m of manifests) {
    const { kind } = m.manifest;
    const scope = CONSUMER_KINDS.has(kind) ? 'consumer' : kind;
    const key = `${scope}\u0000${m.manifest.metadata.name}`;
    const prior = first.get(key);
    if (prior === undefined) {
      first.set(key, m);
      continue;
    }
    const priorAt = at(prior, ['metadata', 'name']);
    const clash = prior.manifest.kind !== kind;
    out.push({
      severity: 'error',
      code: DiagnosticCode.DuplicateName,
      message: clash
        ? `${kind} name '${m.manifest.metadata.name}' is taken by the ${prior.manifest.kind} defined at ${where(priorAt.location)}: both would read through one consumer group`
        : `duplicate ${kind} name '${m.manifest.metadata.name}': also defined at ${where(priorAt.location)}`,
      ...at(m, ['metadata', 'name']),
      hint: clash
        ? 'Agents, Aggregators and Sagas share one namespace; rename one'
        : 'names must be unique within a kind; rename or remove one',
    });
  }
}

function checkConnections(manifests: readonly LoadedManifest[], out: Diagnostic[]): void {
  const connections = manifests.filter((m) => m.manifest.kind === 'Connection');
  const names = connections.map((m) => m.manifest.metadata.name);
  const known = new Set(names);
  const typeOf = new Map(
    connections.map((m) => [
      m.manifest.metadata.name,
      m.manifest.kind === 'Connection' ? m.manifest.spec.type : undefined,
    ]),
  );
  for (const m of manifests) {
    if (m.manifest.kind !== 'Agent') continue;
    const tool = m.manifest.spec.tool;
    if (m.manifest.spec.uses !== undefined && tool !== undefined) {
      const type = typeOf.get(tool.connection);
      if (!known.has(tool.connection))
        out.push({
          severity: 'error',
          code: DiagnosticCode.UnknownConnection,
          message: `unknown connection '${tool.connection}'`,
          ...at(m, ['spec', 'tool', 'connection']),
          hint:
            didYouMean(tool.connection, names) ??
            'declare it with a Connection document (type: mcp)',
        });
      else if (type !== 'mcp')
        out.push({
          severity: 'error',
          code: DiagnosticCode.WrongConnectionType,
          message: `connection '${tool.connection}' is of type ${type}; uses: ${m.manifest.spec.uses} needs type mcp`,
          ...at(m, ['spec', 'tool', 'connection']),
          hint: 'point spec.tool.connection at a Connection with spec.type: mcp',
        });
    }
    (m.manifest.spec.connections ?? []).forEach((name, i) => {
      if (known.has(name)) return;
      out.push({
        severity: 'error',
        code: DiagnosticCode.UnknownConnection,
        message: `unknown connection '${name}'`,
        ...at(m, ['spec', 'connections', i]),
        hint: didYouMean(name, names) ?? 'declare it with a Connection document',
      });
    });
  }
}

function participantOf(graph: ChoreographyGraph, edge: GraphEdge): LoadedManifest {
  return graph.participants.find((p) => p.id === edge.participant)!.source;
}

function flowDiagnostic(
  graph: ChoreographyGraph,
  edge: GraphEdge,
  severity: Severity,
  code: string,
  message: string,
  hint: string,
): Diagnostic {
  return { severity, code, message, ...at(participantOf(graph, edge), edge.path), hint };
}

function checkFlow(graph: ChoreographyGraph, index: TypeIndex, out: Diagnostic[]): void {
  const info = new Map(graph.eventTypes.map((t) => [t.name, t]));
  const emitted = (type: string): boolean =>
    index.emitters.has(type) || info.get(type)?.entry === true || info.get(type)?.system === true;
  for (const t of graph.eventTypes) {
    const emitters = index.emitters.get(t.name) ?? [];
    const consumers = index.consumers.get(t.name) ?? [];
    if (emitters.length > 0 && consumers.length === 0 && !t.terminal && !t.system) {
      const tools = emitters.filter((e) => e.role === 'publish');
      for (const e of tools) {
        out.push(
          flowDiagnostic(
            graph,
            e,
            'error',
            DiagnosticCode.PublishNeverConsumed,
            `${e.participant} publishes '${t.name}' but nothing consumes it`,
            'subscribe an agent (or a saga trigger) to it, or publish another type',
          ),
        );
      }
      const first = emitters.find((e) => e.role !== 'publish');
      if (first !== undefined) {
        const who = [...new Set(emitters.map((e) => e.participant))].join(', ');
        out.push(
          flowDiagnostic(
            graph,
            first,
            'warning',
            DiagnosticCode.OrphanEmission,
            `'${t.name}' is emitted by ${who} but nothing consumes it`,
            `subscribe something to it, or declare EventType '${t.name}' with spec.terminal: true`,
          ),
        );
      }
    }
    if (emitted(t.name)) continue;
    for (const e of consumers) {
      if (e.role === 'collect') {
        out.push(
          flowDiagnostic(
            graph,
            e,
            'error',
            DiagnosticCode.CollectNeverEmitted,
            `${e.participant} collects '${t.name}' but nothing emits it`,
            `the aggregate can never be complete; ${didYouMean(t.name, index.emitters.keys()) ?? 'check the type name'}`,
          ),
        );
      } else if (e.role === 'until-success' || e.role === 'until-failure') {
        out.push(
          flowDiagnostic(
            graph,
            e,
            'warning',
            DiagnosticCode.UntilNeverEmitted,
            `${e.participant} waits for '${t.name}' but nothing emits it`,
            didYouMean(t.name, index.emitters.keys()) ??
              'calls can only end with another type or time out',
          ),
        );
      } else {
        out.push(
          flowDiagnostic(
            graph,
            e,
            'warning',
            DiagnosticCode.DeadSubscription,
            `${e.participant} consumes '${t.name}' but nothing emits it`,
            didYouMean(t.name, index.emitters.keys()) ??
              `declare EventType '${t.name}' with spec.entry: true if it is published from outside`,
          ),
        );
      }
    }
  }
}

function checkCycles(graph: ChoreographyGraph, out: Diagnostic[]): void {
  for (const cycle of findAgentCycles(graph)) {
    const missing = cycle.component.filter((a) => !a.allowCycles);
    if (missing.length === 0) continue;
    out.push({
      severity: 'error',
      code: DiagnosticCode.Cycle,
      message: `agents form a cycle: ${formatCycle(cycle)} (via ${cycle.via.join(', ')})`,
      ...at(cycle.agents[0]!.source, ['metadata', 'name']),
      hint: `a cycle loops until maxHops; if intended, set spec.allowCycles: true on ${missing.map((a) => a.name).join(', ')}`,
    });
  }
}

function checkReachability(graph: ChoreographyGraph, index: TypeIndex, out: Diagnostic[]): void {
  const agentsList = graph.participants.filter((p) => p.kind === 'agent');
  if (agentsList.length === 0) return;
  const reached = new Set<string>();
  for (const t of graph.eventTypes) if (t.entry || t.system) reached.add(t.name);
  for (const e of graph.edges) if (e.role === 'publish') reached.add(e.eventType);
  if (reached.size === 0) {
    out.push({
      severity: 'warning',
      code: DiagnosticCode.NoEntryPoint,
      message: 'no entry point: no EventType has spec.entry: true and no Tool publishes anything',
      ...at(agentsList[0]!.source, ['metadata', 'name']),
      hint: 'declare the types published from outside as EventType documents with spec.entry: true',
    });
    return;
  }
  const active = new Set<string>();
  const queue = [...reached];
  const starts = (e: GraphEdge): boolean =>
    e.role === 'subscribe' || e.role === 'collect' || e.role === 'trigger';
  for (let i = 0; i < queue.length; i++) {
    for (const e of index.consumers.get(queue[i]!) ?? []) {
      if (!starts(e) || active.has(e.participant)) continue;
      active.add(e.participant);
      for (const out of graph.edges) {
        if (
          out.participant === e.participant &&
          out.direction === 'emits' &&
          !reached.has(out.eventType)
        ) {
          reached.add(out.eventType);
          queue.push(out.eventType);
        }
      }
    }
  }
  const hasEmitter = (type: string): boolean => index.emitters.has(type);
  for (const a of agentsList) {
    if (active.has(a.id)) continue;
    const m = a.source.manifest;
    // An agent whose every subscription is dead was reported already.
    if (m.kind === 'Agent' && m.spec.subscribe.every((s) => !hasEmitter(s.type))) continue;
    out.push({
      severity: 'warning',
      code: DiagnosticCode.UnreachableAgent,
      message: `agent '${a.name}' is unreachable from any entry type`,
      ...at(a.source, ['metadata', 'name']),
      hint: 'nothing published from outside leads to its subscriptions',
    });
  }
}

/**
 * Static analysis of a whole manifest set. Returns diagnostics in a stable order: duplicates,
 * connections, flow, cycles, reachability.
 */
export function analyzeManifests(manifests: readonly LoadedManifest[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  checkDuplicates(manifests, out);
  checkConnections(manifests, out);
  const graph = buildGraph(manifests);
  const index = indexByType(graph);
  checkFlow(graph, index, out);
  checkCycles(graph, out);
  checkReachability(graph, index, out);
  return out;
}
