// ESLint through its Node API on the head version of changed files (lintText, so the repository's
// working tree is never touched), with a flat config given in code: typescript-eslint's parser
// for TypeScript, and the rules the caller picks. Only messages on added lines become findings.
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { fileAt, isSource, type ChangedFile, type PullRequest } from './git-diff.js';
import type { Finding, Severity } from './findings.js';

export interface EslintRunOptions {
  reviewer: string;
  /** Rules (and plugins) of the config. */
  config: Linter.Config;
  /** Severity of a message by rule id. */
  severity: (ruleId: string) => Severity;
  signal?: AbortSignal;
}

export async function eslintFindings(
  pr: PullRequest,
  files: readonly ChangedFile[],
  o: EslintRunOptions,
): Promise<{ findings: Finding[]; files: string[] }> {
  const eslint = new ESLint({
    cwd: pr.repoPath,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs,jsx}'],
        languageOptions: {
          parser: tseslint.parser,
          sourceType: 'module',
          ecmaVersion: 'latest',
        },
        linterOptions: { reportUnusedDisableDirectives: 'off' },
      },
      o.config,
    ],
  });
  const findings: Finding[] = [];
  const scanned: string[] = [];
  for (const f of files.filter((x) => isSource(x.path))) {
    o.signal?.throwIfAborted();
    const text = await fileAt(pr.repoPath, pr.head, f.path, o.signal);
    if (text === undefined) continue;
    scanned.push(f.path);
    const added = new Set(f.addedLines);
    const [result] = await eslint.lintText(text, { filePath: `${pr.repoPath}/${f.path}` });
    for (const m of result?.messages ?? []) {
      if (!added.has(m.line)) continue;
      const rule = m.ruleId ?? 'parse-error';
      findings.push({
        reviewer: o.reviewer,
        severity: m.ruleId ? o.severity(m.ruleId) : 'high',
        rule,
        file: f.path,
        line: m.line,
        message: m.message,
      });
    }
  }
  return { findings, files: scanned };
}
