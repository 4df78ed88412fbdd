// Code-review agent `review-reporter`: turns the review-aggregator's fan-in (quorum 3 of 4, or
// what arrived by the timeout) into `review.completed` with a markdown summary: findings by
// severity, which reviewers answered and which did not, and whether the quorum was met. It also
// counts the findings stored in the workspace for this review (every analyzer writes there).
//   review.collected → review.completed { complete, reviewers, missing, counts, findings, markdown }
import { defineAgent } from '@troupe/core';
import {
  SEVERITIES,
  countBySeverity,
  sortFindings,
  type Finding,
  type ReviewResult,
} from './lib/findings.js';

/** The Aggregator's output (`AggregateData` of @troupe/runtime). */
export interface Collected {
  complete: boolean;
  arrived: string[];
  missing: string[];
  results: Record<string, ReviewResult>;
}

const ICON: Record<string, string> = {
  critical: '🛑',
  high: '🔴',
  medium: '🟠',
  low: '🟡',
  info: 'ℹ️',
};

/** The review as markdown. */
export function renderMarkdown(c: Collected, findings: readonly Finding[]): string {
  const answered = c.arrived.map((t) => c.results[t]!);
  const counts = countBySeverity(findings);
  const lines = [
    `## Automated review: ${findings.length} finding${findings.length === 1 ? '' : 's'}${c.complete ? '' : ' (incomplete)'}`,
    '',
    `Reviewers answered: ${answered.map((r) => `${r.reviewer} (${r.findings.length}, ${r.durationMs} ms)`).join(', ') || 'none'}.`,
    c.missing.length > 0
      ? `Not answered in time: ${c.missing.join(', ')}.`
      : 'Every reviewer answered.',
    '',
    `| severity | findings |`,
    `|---|---|`,
    ...SEVERITIES.filter((s) => counts[s] > 0).map((s) => `| ${ICON[s]} ${s} | ${counts[s]} |`),
  ];
  for (const s of SEVERITIES) {
    const of = findings.filter((f) => f.severity === s);
    if (of.length === 0) continue;
    lines.push('', `### ${ICON[s]} ${s}`, '');
    for (const f of of) {
      const where = f.endLine ? `${f.file}:${f.line}-${f.endLine}` : `${f.file}:${f.line}`;
      lines.push(`- \`${where}\` ${f.message.replace(/\n/g, ' ')} _(${f.rule}, ${f.reviewer})_`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export default defineAgent<Collected>(async (event, ctx) => {
  const c = event.data;
  const findings = sortFindings(c.arrived.flatMap((t) => c.results[t]?.findings ?? []));
  const stored = await ctx.workspace.list({ prefix: 'finding:', tags: ['finding'] });
  ctx.emit('review.completed', {
    complete: c.complete,
    reviewers: c.arrived.map((t) => c.results[t]!.reviewer),
    missing: c.missing,
    counts: countBySeverity(findings),
    findings,
    storedFindings: stored.length,
    markdown: renderMarkdown(c, findings),
  });
});
