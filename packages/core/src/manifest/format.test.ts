import { describe, expect, it } from 'vitest';
import { countDiagnostics, formatDiagnostic } from './format.js';
import type { Diagnostic } from './types.js';

const base: Diagnostic = {
  severity: 'error',
  code: 'out-of-range',
  message: 'must be >= 1, got 0',
  path: 'spec.retry.attempts',
  location: { file: 'm.yaml', line: 7, column: 22 },
};

describe('formatDiagnostic', () => {
  it('prints file:line:col: path: message (hint)', () => {
    expect(formatDiagnostic(base)).toBe('m.yaml:7:22: spec.retry.attempts: must be >= 1, got 0');
    expect(formatDiagnostic({ ...base, hint: 'try 3' })).toBe(
      'm.yaml:7:22: spec.retry.attempts: must be >= 1, got 0 (try 3)',
    );
  });
  it('omits an empty path and a missing location', () => {
    expect(formatDiagnostic({ ...base, path: '' })).toBe('m.yaml:7:22: must be >= 1, got 0');
    const { location: _omit, ...noLocation } = base;
    expect(formatDiagnostic(noLocation)).toBe('spec.retry.attempts: must be >= 1, got 0');
  });
  it('counts errors and warnings', () => {
    expect(countDiagnostics([base, { ...base, severity: 'warning' }, base])).toEqual({
      errors: 2,
      warnings: 1,
    });
  });
});
