// The pull request as the analyzers see it: which files changed between `base` and `head` and
// which lines of the head version were added or changed (from `git diff --unified=0`), plus the
// file text at a revision. Every analyzer reports only on these lines, as a reviewer would.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NonRetryableError } from '@troupe/core';

const run = promisify(execFile);

/** `pull_request.opened` data. */
export interface PullRequest {
  /** Path of a local git repository. */
  repoPath: string;
  /** Base revision (branch, tag or sha). */
  base: string;
  /** Head revision. */
  head: string;
}

export interface ChangedFile {
  /** Path relative to the repository root, forward slashes. */
  path: string;
  status: 'added' | 'modified';
  /** 1-based line numbers of the head version that the PR added or changed. */
  addedLines: number[];
}

/** Run git in the repository; a missing repository or revision is not retryable. */
export async function git(
  repoPath: string,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', repoPath, ...args], {
      maxBuffer: 64 * 1024 * 1024,
      ...(signal ? { signal } : {}),
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new NonRetryableError(
      `git ${args[0] ?? ''} failed in ${repoPath}: ${(e.stderr ?? e.message).trim()}`,
      {
        data: { repoPath, args: [...args] },
      },
    );
  }
}

/** Parse `git diff --unified=0` output into changed files and their added line numbers. */
export function parseUnifiedDiff(diff: string): ChangedFile[] {
  const files: ChangedFile[] = [];
  let current: ChangedFile | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = undefined;
    } else if (line.startsWith('new file mode')) {
      if (current) current.status = 'added';
      else files.push((current = { path: '', status: 'added', addedLines: [] }));
    } else if (line.startsWith('+++ ')) {
      const p = line.slice(4);
      if (p === '/dev/null') continue;
      const path = p.replace(/^b\//, '');
      if (current && current.path === '') current.path = path;
      else files.push((current = { path, status: 'modified', addedLines: [] }));
    } else if (line.startsWith('@@') && current) {
      const m = /\+(\d+)(?:,(\d+))?/.exec(line.split('@@')[1] ?? '');
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let i = 0; i < count; i++) current.addedLines.push(start + i);
    }
  }
  return files.filter((f) => f.path !== '');
}

/** Files added or modified from `base` to `head`, with their added lines (deletions ignored). */
export async function changedFiles(pr: PullRequest, signal?: AbortSignal): Promise<ChangedFile[]> {
  const out = await git(
    pr.repoPath,
    [
      'diff',
      '--unified=0',
      '--no-renames',
      '--no-color',
      '--diff-filter=AM',
      `${pr.base}...${pr.head}`,
    ],
    signal,
  );
  return parseUnifiedDiff(out);
}

/** The file's text at `rev`, or undefined when it does not exist there. */
export async function fileAt(
  repoPath: string,
  rev: string,
  path: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['-C', repoPath, 'show', `${rev}:${path}`], {
      maxBuffer: 64 * 1024 * 1024,
      ...(signal ? { signal } : {}),
    });
    return stdout;
  } catch {
    return undefined;
  }
}

/** TypeScript / JavaScript sources (the analyzers' scope). */
export const isSource = (path: string): boolean =>
  /\.(?:[cm]?[jt]sx?)$/.test(path) && !path.endsWith('.d.ts');

/** Test files by the usual conventions. */
export const isTest = (path: string): boolean =>
  /(?:^|\/)(?:test|tests|__tests__)\/|\.(?:test|spec)\.[cm]?[jt]sx?$/.test(path);
