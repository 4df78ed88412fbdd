// Code-review agent `style-checker`: ESLint (Node API) with a small house style on the pull
// request's added lines; each finding names file:line and the rule.
//   pull_request.opened { repoPath, base, head } → style.check.completed
import { defineAgent } from '@troupe/core';
import type { Linter } from 'eslint';
import { eslintFindings } from './lib/eslint-run.js';
import { report } from './lib/findings.js';
import { changedFiles, type PullRequest } from './lib/git-diff.js';

const REVIEWER = 'style-checker';

/** The house style: correctness-adjacent rules a reviewer would comment on. */
export const STYLE_ESLINT_CONFIG: Linter.Config = {
  rules: {
    eqeqeq: ['error', 'always'],
    'no-var': 'error',
    'prefer-const': 'error',
    curly: ['error', 'multi-line'],
    'no-console': 'warn',
    'no-debugger': 'error',
    'no-empty': 'error',
    'max-depth': ['warn', 4],
  },
};

export default defineAgent<PullRequest>(async (event, ctx) => {
  const startedAt = Date.now();
  const files = await changedFiles(event.data, ctx.signal);
  const { findings, files: scanned } = await eslintFindings(event.data, files, {
    reviewer: REVIEWER,
    config: STYLE_ESLINT_CONFIG,
    severity: (rule) => (rule === 'no-debugger' ? 'medium' : 'low'),
    signal: ctx.signal,
  });
  await report(ctx, 'style.check.completed', REVIEWER, findings, scanned, startedAt);
});
