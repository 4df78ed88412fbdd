// One finding of a code-review analyzer, how findings are ordered and counted by severity, and
// how each one is written to the workspace under the review's correlation id (so a reviewer's
// results outlive its event and any agent or client can search them).
import type { HandlerContext } from '@troupe/core';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  /** The analyzer that found it, e.g. `security-scanner`. */
  reviewer: string;
  severity: Severity;
  /** Rule id, e.g. `@secretlint/secretlint-rule-github` or `eqeqeq`. */
  rule: string;
  file: string;
  /** 1-based line (and the last line of a range). */
  line: number;
  endLine?: number;
  /** Human-readable; secrets already masked. */
  message: string;
}

/** What every analyzer emits. */
export interface ReviewResult {
  reviewer: string;
  findings: Finding[];
  /** Changed files the analyzer looked at. */
  files: string[];
  /** Wall time of the analysis, ms. */
  durationMs: number;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/** Most severe first, then by file and line. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      rank(a.severity) - rank(b.severity) || a.file.localeCompare(b.file) || a.line - b.line,
  );
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) out[f.severity]++;
  return out;
}

/** Workspace key of one finding; stable per (reviewer, file, line, rule) so a retry overwrites. */
export function findingKey(f: Finding): string {
  return `finding:${f.reviewer}:${f.file}:${f.line}:${f.rule}`;
}

/** Write each finding to the workspace (correlation scope), tagged by reviewer and severity. */
export async function recordFindings(
  ctx: HandlerContext,
  findings: readonly Finding[],
): Promise<void> {
  for (const f of findings)
    await ctx.workspace.put(findingKey(f), f, { tags: ['finding', f.reviewer, f.severity] });
}

/**
 * Emit the analyzer's result after recording its findings. `config.delayMs` (default 0) holds
 * the emission back that long: a slow reviewer on demand, for the fan-in benchmark.
 */
export async function report(
  ctx: HandlerContext,
  type: string,
  reviewer: string,
  findings: readonly Finding[],
  files: readonly string[],
  startedAt: number,
): Promise<void> {
  const delayMs = Number(ctx.config.delayMs ?? 0);
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  const sorted = sortFindings(findings);
  await recordFindings(ctx, sorted);
  const result: ReviewResult = {
    reviewer,
    findings: sorted,
    files: [...files],
    durationMs: Date.now() - startedAt,
  };
  ctx.emit(type, result);
}
