// The choreography graph: participants (agents, aggregators, sagas, tools) and the event types
// they emit and consume, as a bipartite graph. Static analysis and the renderers share it.
import type { EventTypeManifest, LoadedManifest } from './types.js';
import type { PathSegment } from './yaml-source.js';

export type ParticipantKind = 'agent' | 'aggregator' | 'saga' | 'tool';

/** How a participant touches an event type. */
export type EdgeRole =
  | 'subscribe'
  | 'emit'
  | 'collect'
  | 'trigger'
  | 'command'
  | 'success'
  | 'failure'
  | 'compensate'
  | 'completed'
  | 'failed'
  | 'publish'
  | 'until-success'
  | 'until-failure';

export interface GraphParticipant {
  /** `<kind>/<name>`, e.g. `agent/sql-runner`. */
  id: string;
  kind: ParticipantKind;
  name: string;
  /** Agents only: `spec.allowCycles`. */
  allowCycles: boolean;
  source: LoadedManifest;
}

export interface GraphEventType {
  name: string;
  /** Declared with an EventType document. */
  declared: boolean;
  entry: boolean;
  terminal: boolean;
  /** `troupe.*`: emitted by the runtime itself. */
  system: boolean;
  source?: LoadedManifest<EventTypeManifest>;
}

export interface GraphEdge {
  /** Participant id. */
  participant: string;
  eventType: string;
  direction: 'emits' | 'consumes';
  role: EdgeRole;
  /** Where the reference sits in the participant's document. */
  path: readonly PathSegment[];
  /** A content filter on a subscription (`where`). */
  filtered?: boolean;
}

export interface ChoreographyGraph {
  participants: GraphParticipant[];
  eventTypes: GraphEventType[];
  edges: GraphEdge[];
}

/** Prefix of event types the runtime emits itself (e.g. `troupe.breaker.opened`). */
export const SYSTEM_EVENT_PREFIX = 'troupe.';

/** Build the graph from manifests (any order; duplicates are kept, analysis reports them). */
export function buildGraph(manifests: readonly LoadedManifest[]): ChoreographyGraph {
  const participants: GraphParticipant[] = [];
  const edges: GraphEdge[] = [];
  const types = new Map<string, GraphEventType>();
  const typeOf = (name: string): GraphEventType => {
    let t = types.get(name);
    if (t === undefined) {
      t = {
        name,
        declared: false,
        entry: false,
        terminal: false,
        system: name.startsWith(SYSTEM_EVENT_PREFIX),
      };
      types.set(name, t);
    }
    return t;
  };
  const edge = (
    p: GraphParticipant,
    eventType: string,
    direction: GraphEdge['direction'],
    role: EdgeRole,
    path: PathSegment[],
    filtered = false,
  ): void => {
    typeOf(eventType);
    edges.push({
      participant: p.id,
      eventType,
      direction,
      role,
      path,
      ...(filtered ? { filtered } : {}),
    });
  };
  const add = (
    kind: ParticipantKind,
    source: LoadedManifest,
    allowCycles = false,
  ): GraphParticipant => {
    const name = source.manifest.metadata.name;
    const p: GraphParticipant = { id: `${kind}/${name}`, kind, name, allowCycles, source };
    participants.push(p);
    return p;
  };

  for (const loaded of manifests) {
    const m = loaded.manifest;
    switch (m.kind) {
      case 'EventType': {
        const t = typeOf(m.metadata.name);
        t.declared = true;
        t.entry ||= m.spec.entry === true;
        t.terminal ||= m.spec.terminal === true;
        t.source ??= loaded as LoadedManifest<EventTypeManifest>;
        break;
      }
      case 'Agent': {
        const p = add('agent', loaded, m.spec.allowCycles === true);
        m.spec.subscribe.forEach((s, i) =>
          edge(
            p,
            s.type,
            'consumes',
            'subscribe',
            ['spec', 'subscribe', i, 'type'],
            s.where !== undefined,
          ),
        );
        if (m.spec.emits !== undefined || m.spec.tool === undefined)
          (m.spec.emits ?? []).forEach((t, i) => edge(p, t, 'emits', 'emit', ['spec', 'emits', i]));
        else {
          // A built-in tool agent without `emits` emits its tool's result and failure types.
          edge(p, m.spec.tool.result, 'emits', 'emit', ['spec', 'tool', 'result']);
          if (m.spec.tool.failure !== undefined)
            edge(p, m.spec.tool.failure, 'emits', 'emit', ['spec', 'tool', 'failure']);
        }
        break;
      }
      case 'Aggregator': {
        const p = add('aggregator', loaded);
        m.spec.collect.forEach((t, i) => edge(p, t, 'consumes', 'collect', ['spec', 'collect', i]));
        edge(p, m.spec.emits, 'emits', 'emit', ['spec', 'emits']);
        break;
      }
      case 'Saga': {
        const p = add('saga', loaded);
        edge(p, m.spec.trigger, 'consumes', 'trigger', ['spec', 'trigger']);
        m.spec.steps.forEach((s, i) => {
          const at = (f: string): PathSegment[] => ['spec', 'steps', i, f];
          edge(p, s.command, 'emits', 'command', at('command'));
          edge(p, s.success, 'consumes', 'success', at('success'));
          edge(p, s.failure, 'consumes', 'failure', at('failure'));
          if (s.compensate !== undefined)
            edge(p, s.compensate, 'emits', 'compensate', at('compensate'));
        });
        edge(p, m.spec.emits.completed, 'emits', 'completed', ['spec', 'emits', 'completed']);
        edge(p, m.spec.emits.failed, 'emits', 'failed', ['spec', 'emits', 'failed']);
        break;
      }
      case 'Tool': {
        const p = add('tool', loaded);
        edge(p, m.spec.publish, 'emits', 'publish', ['spec', 'publish']);
        m.spec.until.success.forEach((t, i) =>
          edge(p, t, 'consumes', 'until-success', ['spec', 'until', 'success', i]),
        );
        (m.spec.until.failure ?? []).forEach((t, i) =>
          edge(p, t, 'consumes', 'until-failure', ['spec', 'until', 'failure', i]),
        );
        break;
      }
      case 'Connection':
        break;
    }
  }
  return { participants, eventTypes: [...types.values()], edges };
}

/** Edges grouped by event type, for the analysis passes. */
export interface TypeIndex {
  emitters: Map<string, GraphEdge[]>;
  consumers: Map<string, GraphEdge[]>;
}

export function indexByType(graph: ChoreographyGraph): TypeIndex {
  const emitters = new Map<string, GraphEdge[]>();
  const consumers = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    const map = e.direction === 'emits' ? emitters : consumers;
    const list = map.get(e.eventType);
    if (list === undefined) map.set(e.eventType, [e]);
    else list.push(e);
  }
  return { emitters, consumers };
}
