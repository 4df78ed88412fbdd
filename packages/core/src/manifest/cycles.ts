// Cycle detection among agents: agent A → agent B when A emits a type B subscribes to. Strongly
// connected components (Tarjan, iterative so 10,000 agents cannot overflow the stack), then one
// shortest concrete cycle per component, printed as `a -> b -> c -> a`.
import type { ChoreographyGraph, GraphParticipant } from './graph.js';

export interface AgentCycle {
  /** Agents in order; the first is repeated at the end when printed. */
  agents: GraphParticipant[];
  /** The event type carrying each hop (same length as `agents`). */
  via: string[];
  /** Every agent of the strongly connected component the cycle was drawn from. */
  component: GraphParticipant[];
}

interface Adjacency {
  next: Map<string, Map<string, string>>; // from → (to → via type)
  byId: Map<string, GraphParticipant>;
}

function agentAdjacency(graph: ChoreographyGraph): Adjacency {
  const byId = new Map<string, GraphParticipant>();
  for (const p of graph.participants) if (p.kind === 'agent') byId.set(p.id, p);
  const subscribers = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.direction !== 'consumes' || !byId.has(e.participant)) continue;
    const list = subscribers.get(e.eventType) ?? [];
    list.push(e.participant);
    subscribers.set(e.eventType, list);
  }
  const next = new Map<string, Map<string, string>>();
  for (const id of byId.keys()) next.set(id, new Map());
  for (const e of graph.edges) {
    if (e.direction !== 'emits' || !byId.has(e.participant)) continue;
    const out = next.get(e.participant)!;
    for (const to of subscribers.get(e.eventType) ?? []) if (!out.has(to)) out.set(to, e.eventType);
  }
  return { next, byId };
}

/** Strongly connected components (iterative Tarjan). */
function components(ids: readonly string[], next: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const start of ids) {
    if (index.has(start)) continue;
    const work: { id: string; it: Iterator<string> }[] = [];
    const open = (id: string): void => {
      index.set(id, counter);
      low.set(id, counter);
      counter++;
      stack.push(id);
      onStack.add(id);
      work.push({ id, it: next.get(id)!.keys() });
    };
    open(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const step = frame.it.next();
      if (!step.done) {
        const to = step.value;
        if (!index.has(to)) open(to);
        else if (onStack.has(to)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined)
        low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const comp: string[] = [];
        let id: string;
        do {
          id = stack.pop()!;
          onStack.delete(id);
          comp.push(id);
        } while (id !== frame.id);
        out.push(comp);
      }
    }
  }
  return out;
}

/** Shortest path from `start` back to itself inside `members` (BFS). */
function shortestCycle(
  start: string,
  members: Set<string>,
  next: Map<string, Map<string, string>>,
): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const to of [...next.get(id)!.keys()].sort()) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [id];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return path;
      }
      if (!prev.has(to)) {
        prev.set(to, id);
        queue.push(to);
      }
    }
  }
  return [start];
}

/** Every cycle-bearing component, as one concrete cycle each, sorted by first agent name. */
export function findAgentCycles(graph: ChoreographyGraph): AgentCycle[] {
  const { next, byId } = agentAdjacency(graph);
  const ids = [...byId.keys()].sort();
  const cycles: AgentCycle[] = [];
  for (const comp of components(ids, next)) {
    const only = comp[0]!;
    if (comp.length === 1 && !next.get(only)!.has(only)) continue;
    const members = new Set(comp);
    const sorted = [...comp].sort();
    // Start on an agent that does not allow cycles, so the printed path goes through it.
    const start = sorted.find((id) => !byId.get(id)!.allowCycles) ?? sorted[0]!;
    const path = shortestCycle(start, members, next);
    cycles.push({
      agents: path.map((id) => byId.get(id)!),
      via: path.map((id, i) => next.get(id)!.get(path[(i + 1) % path.length]!)!),
      component: sorted.map((id) => byId.get(id)!),
    });
  }
  return cycles.sort((a, b) => (a.agents[0]!.name < b.agents[0]!.name ? -1 : 1));
}

/** `a -> b -> c -> a`. */
export function formatCycle(cycle: AgentCycle): string {
  const names = cycle.agents.map((a) => a.name);
  return [...names, names[0]!].join(' -> ');
}
