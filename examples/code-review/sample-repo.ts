// Generator of the code-review example's sample repository: a small TypeScript package with a
// git history on `main` and a pull-request branch `feature/expression-eval` that contains real
// problems for the swarm to find — a hard-coded GitHub token, an `eval`, a loose `==`, exported
// declarations without doc comments, lines no test runs and a module no test loads — next to a documented, tested
// change that must produce no finding. The token is random on every run (never a real secret).
//   pnpm exec tsx examples/code-review/sample-repo.ts [DIR]   (prints the repository path)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SampleRepo {
  readonly repoPath: string;
  readonly base: 'main';
  readonly head: 'feature/expression-eval';
  /** Where the planted problems are (head line numbers), for assertions. */
  readonly problems: {
    readonly token: { file: string; line: number };
    readonly eval: { file: string; line: number };
    readonly looseEquality: { file: string; line: number };
    readonly undocumented: { file: string; name: string; line: number }[];
    /** Lines of the tested file that no test runs. */
    readonly untested: { file: string; from: number; to: number };
    /** A changed file no test loads. */
    readonly unloaded: string;
  };
}

const BASE_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'calc-lib', version: '1.0.0', type: 'module', private: true }, null, 2)}\n`,
  'README.md': '# calc-lib\n\nSmall arithmetic helpers.\n',
  'src/math.ts': `/** The sum of \`a\` and \`b\`. */
export function add(a: number, b: number): number {
  return a + b;
}

/** \`value\` limited to [min, max]. */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
`,
  'test/math.test.ts': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, clamp } from '../src/math.ts';

test('add', () => {
  assert.equal(add(2, 3), 5);
});

test('clamp', () => {
  assert.equal(clamp(12, 0, 10), 10);
  assert.equal(clamp(-1, 0, 10), 0);
});
`,
};

/** A token with GitHub's personal-access-token shape; random, so never a real credential. */
function fakeGithubToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `ghp_${[...randomBytes(36)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

function headFiles(token: string): Record<string, string> {
  return {
    // A documented, tested addition: must produce no finding.
    'src/math.ts': `${BASE_FILES['src/math.ts']}
/** \`cents\` as a dollar amount with two decimals, e.g. \`$12.50\`. */
export function formatPrice(cents: number): string {
  return \`$\${(cents / 100).toFixed(2)}\`;
}
`,
    'src/config.ts': `// Settings of the calculator service.
export const GITHUB_TOKEN = '${token}';

/** Where results are published. */
export const RESULTS_REPO = 'example/calc-results';
`,
    'src/evaluate.ts': `import { add } from './math.ts';

export function evaluate(expression: string): number {
  if (expression == '') {
    return 0;
  }
  const value = eval(expression) as number;
  return add(value, 0);
}

export interface EvaluationOptions {
  precision: number;
}
`,
    'test/math.test.ts': `${BASE_FILES['test/math.test.ts']}
test('formatPrice', async () => {
  const { formatPrice } = await import('../src/math.ts');
  assert.equal(formatPrice(1250), '$12.50');
});

test('evaluate of an empty expression is 0', async () => {
  const { evaluate } = await import('../src/evaluate.ts');
  assert.equal(evaluate(''), 0);
});
`,
  };
}

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
}

/** Create the sample repository in `dir` (default: a fresh temporary directory). */
export function createSampleRepo(
  dir = mkdtempSync(path.join(tmpdir(), 'troupe-review-sample-')),
): SampleRepo {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Sample Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Sample Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: dir,
  };
  const git = (...args: string[]): void => {
    execFileSync('git', ['-C', dir, '-c', 'commit.gpgsign=false', ...args], {
      env,
      stdio: 'ignore',
    });
  };
  mkdirSync(dir, { recursive: true });
  git('init', '-q', '-b', 'main');
  write(dir, BASE_FILES);
  git('add', '-A');
  git('commit', '-q', '-m', 'calc-lib: add and clamp with tests', '--date', '2026-01-05T10:00:00Z');
  git('checkout', '-q', '-b', 'feature/expression-eval');
  write(dir, headFiles(fakeGithubToken()));
  git('add', '-A');
  git(
    'commit',
    '-q',
    '-m',
    'evaluate expressions, format prices, publish results',
    '--date',
    '2026-01-06T10:00:00Z',
  );
  git('checkout', '-q', 'main');
  return {
    repoPath: dir,
    base: 'main',
    head: 'feature/expression-eval',
    problems: {
      token: { file: 'src/config.ts', line: 2 },
      eval: { file: 'src/evaluate.ts', line: 7 },
      looseEquality: { file: 'src/evaluate.ts', line: 4 },
      undocumented: [
        { file: 'src/config.ts', name: 'GITHUB_TOKEN', line: 2 },
        { file: 'src/evaluate.ts', name: 'evaluate', line: 3 },
        { file: 'src/evaluate.ts', name: 'EvaluationOptions', line: 11 },
      ],
      untested: { file: 'src/evaluate.ts', from: 7, to: 8 },
      unloaded: 'src/config.ts',
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repo = createSampleRepo(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(repo.repoPath);
}
