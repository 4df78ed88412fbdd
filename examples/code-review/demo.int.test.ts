// End to end: the code-review swarm on the generated sample repository, with real analyses in
// real worker threads (and on Redis when reachable). The planted problems must produce their
// findings — the masked token, the eval, the loose equality, the undocumented exports, the lines
// no test runs and the module no test loads — and the documented, tested change must produce
// none; review.completed meets the 3-of-4 quorum with a markdown summary; findings are stored in
// the workspace under the review's correlation id.
import {
  cleanupRedisPrefix,
  describeWithRedis,
  redisUrl,
  uniquePrefix,
} from '@troupe/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../agents/code-review/lib/findings.js';
import { runReviewDemo, type ReviewDemoOptions } from './demo.js';

const findingsOf = (r: Awaited<ReturnType<typeof runReviewDemo>>, type: string): Finding[] =>
  (r.reviewers[type]!.data as { findings: Finding[] }).findings;

function cases(extra: () => ReviewDemoOptions): void {
  it('finds what the sample pull request plants, and nothing else', async () => {
    const r = await runReviewDemo(extra());
    const p = r.repo.problems;

    const security = findingsOf(r, 'security.scan.completed');
    const secret = security.find((f) => f.rule === '@secretlint/secretlint-rule-github');
    expect(secret).toMatchObject({ severity: 'critical', file: p.token.file, line: p.token.line });
    // Masked: the token's characters never leave the scanner.
    expect(secret!.message).toMatch(/\*{10,}/);
    expect(JSON.stringify(r.reviewers['security.scan.completed']!.data)).not.toMatch(
      /ghp_[A-Za-z0-9]{36}/,
    );
    expect(JSON.stringify(r.completed.data)).not.toMatch(/ghp_[A-Za-z0-9]{36}/);
    expect(
      security.filter((f) => f.severity === 'high').map((f) => [f.rule, f.file, f.line]),
    ).toEqual(
      expect.arrayContaining([
        ['no-eval', p.eval.file, p.eval.line],
        ['security/detect-eval-with-expression', p.eval.file, p.eval.line],
      ]),
    );

    const style = findingsOf(r, 'style.check.completed');
    expect(style.map((f) => [f.rule, f.file, f.line])).toEqual([
      ['eqeqeq', p.looseEquality.file, p.looseEquality.line],
    ]);

    const docs = findingsOf(r, 'docs.check.completed');
    expect(docs.map((f) => [f.file, f.line]).sort()).toEqual(
      p.undocumented.map((u) => [u.file, u.line]).sort(),
    );
    for (const u of p.undocumented)
      expect(docs.some((f) => f.message.includes(` ${u.name} is new`))).toBe(true);

    const coverage = findingsOf(r, 'coverage.completed');
    expect(coverage).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'uncovered-lines',
          file: p.untested.file,
          line: p.untested.from,
          endLine: p.untested.to,
        }),
        expect.objectContaining({ rule: 'file-not-loaded-by-tests', file: p.unloaded }),
      ]),
    );
    expect(coverage).toHaveLength(2);
    expect(coverage.some((f) => f.rule === 'tests-failed')).toBe(false);

    // The documented, tested change (formatPrice in src/math.ts) draws no finding at all.
    const all = Object.keys(r.reviewers).flatMap((t) => findingsOf(r, t));
    expect(all.filter((f) => f.file === 'src/math.ts')).toEqual([]);

    // Quorum 3 of 4: complete with at least three reviewers, markdown by severity.
    const done = r.completed.data as {
      complete: boolean;
      reviewers: string[];
      missing: string[];
      findings: Finding[];
      markdown: string;
    };
    expect(done.complete).toBe(true);
    expect(done.reviewers.length + done.missing.length).toBe(4);
    expect(done.reviewers.length).toBeGreaterThanOrEqual(3);
    expect(done.markdown).toMatch(/^## Automated review: \d+ findings/);
    expect(done.markdown).toContain(`Reviewers answered: ${done.reviewers[0]}`);
    for (const f of done.findings) expect(done.markdown).toContain(`\`${f.file}:${f.line}`);
    if (done.reviewers.includes('security-scanner'))
      expect(done.markdown).toMatch(/### 🛑 critical\n\n- `src\/config.ts:2` hard-coded secret/);

    // Every finding of every reviewer is in the workspace under the correlation id.
    expect(r.stored).toHaveLength(all.length);
    expect(r.stored).toEqual(expect.arrayContaining(all));
  });
}

describe('code-review swarm on the embedded runtime', () => cases(() => ({})));

describeWithRedis('code-review swarm on Redis', () => {
  const namespace = uniquePrefix('review');
  afterAll(async () => {
    await cleanupRedisPrefix(redisUrl(), namespace);
  });
  cases(() => ({ redisUrl: redisUrl(), namespace }));
});
