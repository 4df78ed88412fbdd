// Code-review agent `docs-checker`: exported functions, classes, interfaces, types, enums and
// constants that the pull request added or changed without a doc comment, found with the
// TypeScript compiler API on the base and head versions of each changed source file.
//   pull_request.opened { repoPath, base, head } → docs.check.completed
import { defineAgent } from '@troupe/core';
import ts from 'typescript';
import { report, type Finding } from './lib/findings.js';
import { changedFiles, fileAt, isSource, isTest, type PullRequest } from './lib/git-diff.js';

const REVIEWER = 'docs-checker';

export interface ExportedDeclaration {
  name: string;
  kind: string;
  /** 1-based line of the declaration (after its doc comment). */
  line: number;
  documented: boolean;
  /** The declaration's text, to tell a changed declaration from an unchanged one. */
  text: string;
}

const exported = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

const hasDoc = (node: ts.Node): boolean =>
  ts.getJSDocCommentsAndTags(node).some((d) => ts.isJSDoc(d));

/** The exported top-level declarations of a module. */
export function exportedDeclarations(fileName: string, text: string): ExportedDeclaration[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: ExportedDeclaration[] = [];
  const add = (node: ts.Node, name: string, kind: string, docNode: ts.Node = node): void => {
    out.push({
      name,
      kind,
      line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
      documented: hasDoc(docNode),
      text: node.getText(sf),
    });
  };
  for (const st of sf.statements) {
    if (!exported(st)) continue;
    if (ts.isFunctionDeclaration(st)) add(st, st.name?.text ?? 'default', 'function');
    else if (ts.isClassDeclaration(st)) add(st, st.name?.text ?? 'default', 'class');
    else if (ts.isInterfaceDeclaration(st)) add(st, st.name.text, 'interface');
    else if (ts.isTypeAliasDeclaration(st)) add(st, st.name.text, 'type');
    else if (ts.isEnumDeclaration(st)) add(st, st.name.text, 'enum');
    else if (ts.isVariableStatement(st))
      for (const d of st.declarationList.declarations)
        add(st, d.name.getText(sf), 'const', st.declarationList.declarations.length === 1 ? st : d);
  }
  return out;
}

/** Exports of `head` that are new or changed since `base` and have no doc comment. */
export function undocumentedChanges(
  file: string,
  base: string | undefined,
  head: string,
): Finding[] {
  const before = new Map(
    (base === undefined ? [] : exportedDeclarations(file, base)).map((d) => [d.name, d.text]),
  );
  return exportedDeclarations(file, head)
    .filter((d) => !d.documented && before.get(d.name) !== d.text)
    .map((d) => ({
      reviewer: REVIEWER,
      severity: 'low' as const,
      rule: 'missing-doc-comment',
      file,
      line: d.line,
      message: `exported ${d.kind} ${d.name} is ${before.has(d.name) ? 'changed' : 'new'} and has no doc comment`,
    }));
}

export default defineAgent<PullRequest>(async (event, ctx) => {
  const startedAt = Date.now();
  const pr = event.data;
  const files = (await changedFiles(pr, ctx.signal)).filter(
    (f) => isSource(f.path) && !isTest(f.path) && /\.[cm]?tsx?$/.test(f.path),
  );
  const findings: Finding[] = [];
  for (const f of files) {
    const head = await fileAt(pr.repoPath, pr.head, f.path, ctx.signal);
    if (head === undefined) continue;
    const base = await fileAt(pr.repoPath, pr.base, f.path, ctx.signal);
    findings.push(...undocumentedChanges(f.path, base, head));
  }
  await report(
    ctx,
    'docs.check.completed',
    REVIEWER,
    findings,
    files.map((f) => f.path),
    startedAt,
  );
});
