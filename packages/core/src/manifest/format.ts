// One-line rendering of a diagnostic, compiler style, so editors and CI can jump to it:
// `file:line:col: path: message (hint)`.
import type { Diagnostic } from './types.js';

/** `file:line:col: path: message (hint)`; the path is omitted when empty, the location when unknown. */
export function formatDiagnostic(d: Diagnostic): string {
  const parts: string[] = [];
  if (d.location !== undefined)
    parts.push(`${d.location.file}:${d.location.line}:${d.location.column}`);
  if (d.path !== '') parts.push(d.path);
  parts.push(d.hint === undefined ? d.message : `${d.message} (${d.hint})`);
  return parts.join(': ');
}

/** Errors and warnings counted. */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): {
  errors: number;
  warnings: number;
} {
  let errors = 0;
  for (const d of diagnostics) if (d.severity === 'error') errors++;
  return { errors, warnings: diagnostics.length - errors };
}
