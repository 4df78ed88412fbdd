// Code-review agent `coverage-analyzer`: runs the repository's tests at `head` with coverage
// (Node's built-in test runner, `--experimental-test-coverage`, LCOV reporter; TypeScript loaded
// with its types blanked out, so coverage lines are source lines) and reports the lines the pull request added that no test
// executes, as ranges per file. Failing tests are a finding too. The head revision is exported
// with `git archive` into a temporary directory, so the repository itself is never touched.
//   pull_request.opened { repoPath, base, head } → coverage.completed
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defineAgent } from '@troupe/core';
import { report, type Finding } from './lib/findings.js';
import { changedFiles, git, isSource, isTest, type PullRequest } from './lib/git-diff.js';
import { parseLcov, toRanges } from './lib/lcov.js';

const run = promisify(execFile);
const REVIEWER = 'coverage-analyzer';
/** Loads .ts with types blanked out, positions kept: coverage lines are source lines. */
const STRIP_TYPES = fileURLToPath(new URL('./lib/strip-types-register.mjs', import.meta.url));

export interface CoverageConfig extends Record<string, unknown> {
  /** Longest test run, ms. Default 60,000. */
  testTimeoutMs?: number;
}

/** Test files of a checkout (skipping node_modules and dot directories). */
async function testFiles(root: string, dir = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, dir), { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await testFiles(root, rel)));
    else if (isSource(rel) && isTest(rel)) out.push(rel);
  }
  return out.sort();
}

/** A line a reviewer would not ask to cover: blank, a comment, or a lone brace. */
const trivial = (text: string | undefined): boolean =>
  text === undefined || /^\s*(?:$|\/\/|\/\*|\*|[{}()[\];,]+\s*$)/.test(text);

export default defineAgent<PullRequest, CoverageConfig>(async (event, ctx) => {
  const startedAt = Date.now();
  const pr = event.data;
  const changed = (await changedFiles(pr, ctx.signal)).filter(
    (f) => isSource(f.path) && !isTest(f.path),
  );
  const dir = await mkdtemp(path.join(tmpdir(), 'troupe-coverage-'));
  const findings: Finding[] = [];
  try {
    const tar = path.join(dir, 'head.tar');
    await git(pr.repoPath, ['archive', '--format=tar', '-o', tar, pr.head], ctx.signal);
    const tree = path.join(dir, 'tree');
    await run('mkdir', ['-p', tree]);
    await run('tar', ['-xf', tar, '-C', tree], { signal: ctx.signal });
    const tests = await testFiles(tree);
    const lcovFile = path.join(dir, 'lcov.info');
    let testsPassed = true;
    let testOutput = '';
    try {
      await run(
        process.execPath,
        [
          '--import',
          STRIP_TYPES,
          '--test',
          '--experimental-test-coverage',
          '--test-reporter=spec',
          '--test-reporter-destination=stdout',
          '--test-reporter=lcov',
          `--test-reporter-destination=${lcovFile}`,
          ...tests,
        ],
        {
          cwd: tree,
          signal: ctx.signal,
          timeout: ctx.config.testTimeoutMs ?? 60_000,
          maxBuffer: 16 * 1024 * 1024,
        },
      );
    } catch (err) {
      testsPassed = false;
      testOutput = String((err as { stdout?: string }).stdout ?? (err as Error).message);
    }
    if (!testsPassed)
      findings.push({
        reviewer: REVIEWER,
        severity: 'high',
        rule: 'tests-failed',
        file: tests[0] ?? '(no tests)',
        line: 1,
        message: `the test suite fails at ${pr.head}: ${
          testOutput
            .split('\n')
            .filter((l) => /✖|not ok|Error/.test(l))
            .slice(0, 3)
            .join(' | ') || 'see the test output'
        }`,
      });
    const coverage = parseLcov(await readFile(lcovFile, 'utf8').catch(() => ''));
    for (const f of changed) {
      const hits = coverage.get(f.path);
      const source = (await readFile(path.join(tree, f.path), 'utf8').catch(() => '')).split('\n');
      const untested = f.addedLines.filter((n) => !trivial(source[n - 1]));
      if (hits === undefined) {
        if (untested.length > 0)
          findings.push({
            reviewer: REVIEWER,
            severity: 'medium',
            rule: 'file-not-loaded-by-tests',
            file: f.path,
            line: untested[0]!,
            message: `no test loads ${f.path}: its ${untested.length} added line(s) are untested`,
          });
        continue;
      }
      for (const [first, last] of toRanges(untested.filter((n) => hits.get(n) === 0)))
        findings.push({
          reviewer: REVIEWER,
          severity: 'medium',
          rule: 'uncovered-lines',
          file: f.path,
          line: first,
          ...(last !== first ? { endLine: last } : {}),
          message: `added line${last !== first ? `s ${first}-${last} are` : ` ${first} is`} not covered by any test`,
        });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await report(
    ctx,
    'coverage.completed',
    REVIEWER,
    findings,
    changed.map((f) => f.path),
    startedAt,
  );
});
