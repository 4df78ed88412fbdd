// Text renderings of the choreography graph: Mermaid (flowchart, for Markdown and GitHub) and
// Graphviz DOT. Node ids are generated (p0, e0, …) so names never need escaping as ids; labels
// are escaped for each syntax. Output is deterministic for a given manifest order.
import type { ChoreographyGraph, GraphEdge, GraphParticipant, ParticipantKind } from './graph.js';

function edgeLabel(e: GraphEdge): string {
  const role = e.role === 'subscribe' || e.role === 'emit' ? '' : e.role;
  return [role, e.filtered === true ? 'where' : ''].filter((s) => s !== '').join(' ');
}

/** What a participant box shows: the kind (agents go without), the name, a built-in's tool. */
function participantLabel(p: GraphParticipant): string {
  if (p.kind !== 'agent') return `${p.kind}: ${p.name}`;
  const m = p.source.manifest;
  if (m.kind !== 'Agent' || m.spec.uses === undefined || m.spec.tool === undefined) return p.name;
  return `${p.name} (${m.spec.uses}: ${m.spec.tool.connection}/${m.spec.tool.name})`;
}

function ids(graph: ChoreographyGraph): {
  participant: Map<string, string>;
  event: Map<string, string>;
} {
  return {
    participant: new Map(graph.participants.map((p, i) => [p.id, `p${i}`])),
    event: new Map(graph.eventTypes.map((t, i) => [t.name, `e${i}`])),
  };
}

const mermaidEscape = (s: string): string => s.replace(/"/g, '#quot;');

const MERMAID_SHAPE: Record<ParticipantKind, [string, string]> = {
  agent: ['["', '"]'],
  aggregator: ['{{"', '"}}'],
  saga: ['[["', '"]]'],
  tool: ['>"', '"]'],
};

/** Mermaid flowchart (left to right): participants as boxes, event types as stadiums. */
export function renderMermaid(graph: ChoreographyGraph): string {
  const id = ids(graph);
  const lines = ['flowchart LR'];
  for (const p of graph.participants) {
    const [open, close] = MERMAID_SHAPE[p.kind];
    const label = participantLabel(p);
    lines.push(`  ${id.participant.get(p.id)!}${open}${mermaidEscape(label)}${close}`);
  }
  for (const t of graph.eventTypes) {
    lines.push(`  ${id.event.get(t.name)!}(["${mermaidEscape(t.name)}"])`);
  }
  for (const e of graph.edges) {
    const p = id.participant.get(e.participant)!;
    const ev = id.event.get(e.eventType)!;
    const label = edgeLabel(e);
    const arrow = label === '' ? '-->' : `-->|${mermaidEscape(label)}|`;
    lines.push(e.direction === 'emits' ? `  ${p} ${arrow} ${ev}` : `  ${ev} ${arrow} ${p}`);
  }
  const entry = graph.eventTypes.filter((t) => t.entry).map((t) => id.event.get(t.name)!);
  const terminal = graph.eventTypes.filter((t) => t.terminal).map((t) => id.event.get(t.name)!);
  lines.push('  classDef event fill:#eef,stroke:#88a');
  lines.push('  classDef entry fill:#dfd,stroke:#393');
  lines.push('  classDef terminal fill:#fdd,stroke:#933');
  const events = graph.eventTypes.map((t) => id.event.get(t.name)!);
  if (events.length > 0) lines.push(`  class ${events.join(',')} event`);
  if (entry.length > 0) lines.push(`  class ${entry.join(',')} entry`);
  if (terminal.length > 0) lines.push(`  class ${terminal.join(',')} terminal`);
  return `${lines.join('\n')}\n`;
}

const dotEscape = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

const DOT_SHAPE: Record<ParticipantKind, string> = {
  agent: 'box',
  aggregator: 'hexagon',
  saga: 'box3d',
  tool: 'cds',
};

/** Graphviz DOT digraph (left to right). */
export function renderDot(graph: ChoreographyGraph): string {
  const id = ids(graph);
  const lines = [
    'digraph troupe {',
    '  rankdir=LR;',
    '  node [fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const p of graph.participants) {
    const label = participantLabel(p);
    lines.push(
      `  ${id.participant.get(p.id)!} [shape=${DOT_SHAPE[p.kind]}, label="${dotEscape(label)}"];`,
    );
  }
  for (const t of graph.eventTypes) {
    const fill = t.entry ? '#ddffdd' : t.terminal ? '#ffdddd' : '#eeeeff';
    lines.push(
      `  ${id.event.get(t.name)!} [shape=ellipse, style=filled, fillcolor="${fill}", label="${dotEscape(t.name)}"];`,
    );
  }
  for (const e of graph.edges) {
    const p = id.participant.get(e.participant)!;
    const ev = id.event.get(e.eventType)!;
    const label = edgeLabel(e);
    const attrs = label === '' ? '' : ` [label="${dotEscape(label)}"]`;
    lines.push(e.direction === 'emits' ? `  ${p} -> ${ev}${attrs};` : `  ${ev} -> ${p}${attrs};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The graph as plain data, without manifest bodies (`agentctl graph -o json`, MCP describe_topology). */
export interface GraphData {
  participants: Array<Pick<ChoreographyGraph['participants'][number], 'id' | 'kind' | 'name'>>;
  eventTypes: Array<
    Pick<
      ChoreographyGraph['eventTypes'][number],
      'name' | 'declared' | 'entry' | 'terminal' | 'system'
    >
  >;
  edges: Array<
    Pick<ChoreographyGraph['edges'][number], 'participant' | 'eventType' | 'direction' | 'role'>
  >;
}

export function renderGraphData(graph: ChoreographyGraph): GraphData {
  return {
    participants: graph.participants.map(({ id, kind, name }) => ({ id, kind, name })),
    eventTypes: graph.eventTypes.map(({ name, declared, entry, terminal, system }) => ({
      name,
      declared,
      entry,
      terminal,
      system,
    })),
    edges: graph.edges.map(({ participant, eventType, direction, role }) => ({
      participant,
      eventType,
      direction,
      role,
    })),
  };
}
