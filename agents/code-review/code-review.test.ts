// Unit tests of the code-review building blocks: unified-diff parsing, LCOV parsing and ranges,
// the TypeScript doc-comment check (new, changed, unchanged, documented), and the markdown.
import { describe, expect, it } from 'vitest';
import { undocumentedChanges } from './docs-checker.js';
import type { Finding } from './lib/findings.js';
import { isTest, parseUnifiedDiff } from './lib/git-diff.js';
import { parseLcov, toRanges } from './lib/lcov.js';
import { renderMarkdown } from './review-reporter.js';

describe('parseUnifiedDiff', () => {
  it('lists added and modified files with the head lines they add', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      'index 1..2 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -3,0 +4,2 @@ export function x() {',
      '+one',
      '+two',
      '@@ -10 +12 @@',
      '+changed',
      'diff --git a/src/new.ts b/src/new.ts',
      'new file mode 100644',
      'index 0..3',
      '--- /dev/null',
      '+++ b/src/new.ts',
      '@@ -0,0 +1,3 @@',
      '+a',
      '+b',
      '+c',
    ].join('\n');
    expect(parseUnifiedDiff(diff)).toEqual([
      { path: 'src/a.ts', status: 'modified', addedLines: [4, 5, 12] },
      { path: 'src/new.ts', status: 'added', addedLines: [1, 2, 3] },
    ]);
    expect(parseUnifiedDiff('')).toEqual([]);
  });
  it('recognizes test files', () => {
    expect(isTest('test/math.test.ts')).toBe(true);
    expect(isTest('src/a.spec.js')).toBe(true);
    expect(isTest('src/testing.ts')).toBe(false);
  });
});

describe('lcov', () => {
  it('reads line hits per file and groups ranges', () => {
    const cov = parseLcov(
      'TN:\nSF:src/a.ts\nDA:1,1\nDA:2,0\nend_of_record\nSF:b.ts\nDA:3,4\nend_of_record\n',
    );
    expect(cov.get('src/a.ts')).toEqual(
      new Map([
        [1, 1],
        [2, 0],
      ]),
    );
    expect(cov.get('b.ts')!.get(3)).toBe(4);
    expect(toRanges([7, 3, 4, 5, 9, 8, 4])).toEqual([
      [3, 5],
      [7, 9],
    ]);
  });
});

describe('docs-checker', () => {
  const base =
    '/** Documented. */\nexport function a(): number {\n  return 1;\n}\nexport const b = 2;\n';
  it('flags new and changed exports without a doc comment, not unchanged or documented ones', () => {
    const head =
      base.replace('export const b = 2;', 'export const b = 3;') +
      'export class C {}\n/** Yes. */\nexport type T = string;\nexport interface I { x: number }\nfunction internal() {}\n';
    const found = undocumentedChanges('m.ts', base, head);
    expect(found.map((f) => [f.line, f.message])).toEqual([
      [5, 'exported const b is changed and has no doc comment'],
      [6, 'exported class C is new and has no doc comment'],
      [9, 'exported interface I is new and has no doc comment'],
    ]);
    expect(undocumentedChanges('m.ts', base, base)).toEqual([]);
  });
});

describe('review-reporter markdown', () => {
  it('groups findings by severity and names who answered and who did not', () => {
    const f: Finding = {
      reviewer: 'style-checker',
      severity: 'low',
      rule: 'eqeqeq',
      file: 'a.ts',
      line: 3,
      message: 'use ===',
    };
    const md = renderMarkdown(
      {
        complete: true,
        arrived: ['style.check.completed'],
        missing: ['coverage.completed'],
        results: {
          'style.check.completed': {
            reviewer: 'style-checker',
            findings: [f],
            files: ['a.ts'],
            durationMs: 12,
          },
        },
      },
      [f],
    );
    expect(md).toContain('## Automated review: 1 finding\n');
    expect(md).toContain('Reviewers answered: style-checker (1, 12 ms).');
    expect(md).toContain('Not answered in time: coverage.completed.');
    expect(md).toContain('| 🟡 low | 1 |');
    expect(md).toContain('- `a.ts:3` use === _(eqeqeq, style-checker)_');
  });
});
