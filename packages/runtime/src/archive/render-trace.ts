// The terminal rendering of a trace (`agentctl trace ID`): one line per event with its offset
// and hops, under it one line per consumer that handled it (every attempt in order: retried →
// committed, with error codes and durations), then the dead letters and the coordinators'
// state. Plain text, no colours: the CLI may add them.
import type { Trace, TraceAttempt, TraceHandling, TraceNode } from './trace.js';

function ms(n: number): string {
  if (n >= 1000) return `${(n / 1000).toFixed(2)} s`;
  return n >= 10 || Number.isInteger(n) ? `${Math.round(n)} ms` : `${n.toFixed(1)} ms`;
}

function attemptText(a: TraceAttempt): string {
  const parts = [`#${a.attempt} ${a.settlement}`];
  if (a.durationMs > 0) parts.push(ms(a.durationMs));
  if (a.deadLetterReason) parts.push(`reason ${a.deadLetterReason}`);
  if (a.error) parts.push(`${a.error.code}: ${a.error.message}`);
  if (a.note) parts.push(a.note);
  return parts.join(', ');
}

function handlingText(h: TraceHandling): string {
  const mark = h.outcome === 'dead-lettered' ? '✗' : h.attempts.some((a) => !a.ok) ? '↻' : '✓';
  return `${mark} ${h.kind === 'agent' ? '' : `${h.kind} `}${h.agent}: ${h.attempts.map(attemptText).join(' → ')}`;
}

function eventText(n: TraceNode): string {
  return `${n.type}  ${n.id}  from ${n.source}  +${ms(n.offsetMs)}  hops ${n.hops}`;
}

function renderNode(
  n: TraceNode,
  prefix: string,
  last: boolean,
  root: boolean,
  out: string[],
): void {
  out.push(root ? eventText(n) : `${prefix}${last ? '└─ ' : '├─ '}${eventText(n)}`);
  const inner = root ? '' : `${prefix}${last ? '   ' : '│  '}`;
  const items = [...n.handledBy.map((h) => ({ h })), ...n.children.map((c) => ({ c }))];
  items.forEach((item, i) => {
    const isLast = i === items.length - 1;
    if ('h' in item) out.push(`${inner}${isLast ? '└─ ' : '├─ '}${handlingText(item.h)}`);
    else renderNode(item.c, inner, isLast, false, out);
  });
}

/** Render `trace` as a text tree (lines joined with `\n`, no trailing newline). */
export function renderTraceTree(trace: Trace): string {
  const out: string[] = [
    `trace ${trace.correlationId}: ${trace.eventCount} events, ${trace.deadLetters.length} dead letters, ${ms(trace.durationMs)}`,
  ];
  if (trace.eventCount === 0) {
    out.push('(nothing archived for this correlation id)');
    return out.join('\n');
  }
  for (const r of trace.roots) renderNode(r, '', true, true, out);
  for (const h of trace.unattached) out.push(`· ${handlingText(h)}`);
  if (trace.deadLetters.length) {
    out.push('dead letters:');
    for (const d of trace.deadLetters)
      out.push(
        `  ${d.agent}: ${d.type} ${d.eventId} (${d.reason}, ${d.attempts} attempts${d.error ? `, ${d.error.code}: ${d.error.message}` : ''})`,
      );
  }
  if (trace.coordination.length) {
    out.push('coordination:');
    for (const c of trace.coordination)
      out.push(`  ${c.kind} ${c.name} (v${c.version}): ${summarize(c.state)}`);
  }
  return out.join('\n');
}

/** A one-line summary of an aggregator or saga state. */
function summarize(state: unknown): string {
  if (typeof state !== 'object' || state === null) return JSON.stringify(state);
  const s = state as Record<string, unknown>;
  if ('results' in s) {
    const arrived = Object.keys(s.results as object);
    const emitted = s.emitted as { complete: boolean; by: string } | undefined;
    const late = (s.late as unknown[] | undefined)?.length ?? 0;
    // Types ruled out by their producers' dead letters (decision 0008).
    const out = (s.ruledOut as { type: string; agent: string; reason: string }[] | undefined) ?? [];
    const ruled = out.map((r) => `${r.type} (${r.agent}: ${r.reason})`).join(', ');
    return `arrived [${arrived.join(', ')}]${ruled ? `, ruled out [${ruled}]` : ''}, ${emitted ? `emitted by ${emitted.by} (complete: ${emitted.complete})` : 'waiting'}${late ? `, ${late} late` : ''}`;
  }
  if ('status' in s) {
    const completed = (s.completed as string[] | undefined) ?? [];
    return `${String(s.status)}, completed [${completed.join(', ')}]`;
  }
  return JSON.stringify(state);
}
