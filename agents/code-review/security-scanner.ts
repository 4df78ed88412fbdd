// Code-review agent `security-scanner`: secrets and insecure code patterns in the pull request's
// added lines. Secrets: secretlint with its maintained recommended rule set (tokens of GitHub,
// AWS, Slack, npm, private keys, basic-auth URLs…), secrets MASKED in every message. Insecure
// patterns: ESLint with eslint-plugin-security plus core no-eval / no-implied-eval / no-new-func.
//   pull_request.opened { repoPath, base, head } → security.scan.completed
import { createEngine } from '@secretlint/node';
import { defineAgent } from '@troupe/core';
import security from 'eslint-plugin-security';
import type { Linter } from 'eslint';
import { eslintFindings } from './lib/eslint-run.js';
import { report, type Finding, type Severity } from './lib/findings.js';
import { changedFiles, fileAt, type ChangedFile, type PullRequest } from './lib/git-diff.js';

const REVIEWER = 'security-scanner';

interface SecretlintMessage {
  message: string;
  ruleId: string;
  loc: { start: { line: number } };
}

/** Secrets on added lines, by secretlint's recommended preset; messages come masked. */
export async function secretFindings(
  pr: PullRequest,
  files: readonly ChangedFile[],
  signal?: AbortSignal,
): Promise<Finding[]> {
  const engine = await createEngine({
    cwd: pr.repoPath,
    formatter: 'json',
    color: false,
    maskSecrets: true,
    configFileJSON: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] },
  });
  const findings: Finding[] = [];
  for (const f of files) {
    signal?.throwIfAborted();
    const content = await fileAt(pr.repoPath, pr.head, f.path, signal);
    if (content === undefined) continue;
    const { output } = await engine.executeOnContent({ content, filePath: f.path });
    // Only `messages` is read: `sourceContent` in the same output holds the unmasked text.
    const results = JSON.parse(output || '[]') as { messages: SecretlintMessage[] }[];
    const added = new Set(f.addedLines);
    for (const m of results.flatMap((r) => r.messages)) {
      if (!added.has(m.loc.start.line)) continue;
      findings.push({
        reviewer: REVIEWER,
        severity: 'critical',
        rule: m.ruleId,
        file: f.path,
        line: m.loc.start.line,
        message: `hard-coded secret: ${m.message}`,
      });
    }
  }
  return findings;
}

const HIGH = new Set([
  'no-eval',
  'no-implied-eval',
  'no-new-func',
  'security/detect-eval-with-expression',
  'security/detect-child-process',
  'security/detect-pseudoRandomBytes',
]);

export const SECURITY_ESLINT_CONFIG: Linter.Config = {
  plugins: { security },
  rules: {
    ...security.configs.recommended.rules,
    'no-eval': 'error',
    'no-implied-eval': 'error',
    'no-new-func': 'error',
  },
};

export default defineAgent<PullRequest>(async (event, ctx) => {
  const startedAt = Date.now();
  const files = await changedFiles(event.data, ctx.signal);
  const secrets = await secretFindings(event.data, files, ctx.signal);
  const patterns = await eslintFindings(event.data, files, {
    reviewer: REVIEWER,
    config: SECURITY_ESLINT_CONFIG,
    severity: (rule): Severity => (HIGH.has(rule) ? 'high' : 'medium'),
    signal: ctx.signal,
  });
  await report(
    ctx,
    'security.scan.completed',
    REVIEWER,
    [...secrets, ...patterns.findings],
    files.map((f) => f.path),
    startedAt,
  );
});
