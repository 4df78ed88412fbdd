// `pnpm demo`: the nl2sql system answering a question on the embedded default (no Redis, no
// LLM). Generates the sample database on first use, then runs the real `agentctl run` on
// manifests/nl2sql.yaml and prints the result table and the report path.
//
//   pnpm demo                                   # "total sales by region last quarter"
//   pnpm demo "revenue by product category"     # any question of the offline translator's family
//   pnpm demo "…" --redis redis://127.0.0.1:6379  # extra flags go to agentctl run
import { spawn } from 'node:child_process';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSampleDatabase } from './generate.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const AGENTCTL = resolve(ROOT, 'packages/cli/bin/agentctl.mjs');
const MANIFEST = resolve(ROOT, 'manifests/nl2sql.yaml');
/** The demo's question when none is given. */
export const DEFAULT_QUESTION = 'total sales by region last quarter';
const OUTCOMES = 'ResultsRendered,QueryError,SQLGenerationError,ClarificationRequested';

interface Outcome {
  type: string;
  correlationid: string;
  data: Record<string, unknown>;
}

/** A plain-text table: text left-aligned, numbers right-aligned with two decimals when fractional. */
export function formatTable(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): string {
  const text = (v: unknown): string =>
    typeof v === 'number'
      ? Number.isInteger(v)
        ? String(v)
        : v.toFixed(2)
      : v === null || v === undefined
        ? ''
        : typeof v === 'string'
          ? v
          : JSON.stringify(v);
  const cells = rows.map((r) => columns.map((c) => text(r[c])));
  const numeric = columns.map(
    (c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || r[c] === null),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join(
    '\n',
  );
}

/** Run `agentctl run` once; resolves with its exit code and the awaited event (when printed). */
export function runAgentctl(
  question: string,
  extra: readonly string[] = [],
): Promise<{ code: number; outcome?: Outcome }> {
  const args = [
    AGENTCTL,
    'run',
    '-f',
    MANIFEST,
    '--publish',
    'QueryReceived',
    '--data',
    JSON.stringify({ question }),
    '--wait',
    OUTCOMES,
    '--timeout',
    '60000',
    '-o',
    'json',
    ...extra,
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      let outcome: Outcome | undefined;
      try {
        outcome = out.trim() === '' ? undefined : (JSON.parse(out) as Outcome);
      } catch {
        process.stderr.write(out);
      }
      resolvePromise({ code: code ?? 1, ...(outcome === undefined ? {} : { outcome }) });
    });
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const flagAt = argv.findIndex((a) => a.startsWith('--'));
  const words = flagAt === -1 ? argv : argv.slice(0, flagAt);
  const question = words.length > 0 ? words.join(' ') : DEFAULT_QUESTION;
  const db = await ensureSampleDatabase();
  process.stderr.write(`sample database: ${relative(ROOT, db)}\nquestion: ${question}\n`);
  const { code, outcome } = await runAgentctl(question, flagAt === -1 ? [] : argv.slice(flagAt));
  if (outcome === undefined) return code === 0 ? 1 : code;
  const d = outcome.data;
  switch (outcome.type) {
    case 'ResultsRendered':
      process.stdout.write(
        `\n${formatTable(d.columns as string[], d.rows as Record<string, unknown>[])}\n\n`,
      );
      process.stdout.write(
        `SQL:\n${String(d.sql)}\n\nchart: ${String(d.chart)}\nreport: ${String(d.reportPath)}\n`,
      );
      return 0;
    case 'ClarificationRequested':
      process.stdout.write(
        `clarification needed: ${String(d.ask)}\n(answer by asking again with a refined question)\n`,
      );
      return 1;
    case 'SQLGenerationError':
      process.stdout.write(`cannot answer: ${String(d.reason)}\n`);
      return 1;
    default:
      process.stdout.write(`${outcome.type}: ${String(d.code)} ${String(d.message)}\n`);
      return 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = await main(process.argv.slice(2));
