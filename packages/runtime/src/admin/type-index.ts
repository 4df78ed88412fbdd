// The event types of the desired state, indexed once per apply: which exist, which are entry
// types (publishable from outside), who produces and who consumes each. Publish requests check
// against it on every call, so it is rebuilt on change rather than per request.
import { buildGraph, type LoadedManifest } from '@troupe/core';

export interface EventTypeInfo {
  readonly name: string;
  /** Declared by an EventType document. */
  readonly declared: boolean;
  readonly entry: boolean;
  readonly terminal: boolean;
  /** A runtime system event (`troupe.*`). */
  readonly system: boolean;
  /** Has a payload schema. */
  readonly schema: boolean;
  readonly description?: string;
  /** Participants (agents, aggregators, sagas, tools) emitting it. */
  readonly producers: readonly string[];
  /** Participants consuming it. */
  readonly consumers: readonly string[];
}

/** Index the event types of `manifests`, in graph order. */
export function indexEventTypes(manifests: readonly LoadedManifest[]): Map<string, EventTypeInfo> {
  const graph = buildGraph(manifests);
  const nameOf = new Map(
    graph.participants.map((p) => [p.id, `${p.kind.toLowerCase()}/${p.name}`]),
  );
  const out = new Map<string, EventTypeInfo>();
  for (const t of graph.eventTypes) {
    const edges = graph.edges.filter((e) => e.eventType === t.name);
    const names = (direction: 'emits' | 'consumes'): string[] => [
      ...new Set(
        edges
          .filter((e) => e.direction === direction)
          .map((e) => nameOf.get(e.participant) ?? e.participant),
      ),
    ];
    const spec = t.source?.manifest.spec;
    out.set(t.name, {
      name: t.name,
      declared: t.declared,
      entry: t.entry,
      terminal: t.terminal,
      system: t.system,
      schema: spec?.schema !== undefined,
      ...(spec?.description === undefined ? {} : { description: spec.description }),
      producers: names('emits'),
      consumers: names('consumes'),
    });
  }
  return out;
}
