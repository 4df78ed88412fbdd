// Where the CLI writes and how: results on stdout, progress and errors on stderr, color only on
// a TTY and never when NO_COLOR is set (or --no-color), structured output (-o json|yaml), and a
// tiny borderless kubectl-style table. Commands receive an Io so tests can capture everything.
import { stringify } from 'yaml';

export type OutputFormat = 'table' | 'json' | 'yaml';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'yaml'];

export interface Io {
  /** Write to stdout (results). */
  out(text: string): void;
  /** Write to stderr (diagnostics, progress, errors). */
  err(text: string): void;
  /** Whether stderr may be colored. */
  color: boolean;
  /** Environment the CLI reads (TROUPE_SERVER, NO_COLOR…). */
  env: Readonly<Record<string, string | undefined>>;
  /** Exit code the command chose; main returns it. Default 0. */
  exitCode: number;
}

interface WritableLike {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Colors are on when stderr is a TTY and neither NO_COLOR (any value) nor TERM=dumb is set. */
export function colorEnabled(
  stream: WritableLike,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** An Io over real streams (process.stdout / process.stderr by default). */
export function createIo(
  stdout: WritableLike = process.stdout,
  stderr: WritableLike = process.stderr,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Io {
  return {
    out: (text) => void stdout.write(text),
    err: (text) => void stderr.write(text),
    color: colorEnabled(stderr, env),
    env,
    exitCode: 0,
  };
}

const CODES = { red: [31, 39], yellow: [33, 39], bold: [1, 22], dim: [2, 22] } as const;

/** Wrap `text` in an ANSI style when `io.color`; unchanged otherwise. */
export function paint(io: Pick<Io, 'color'>, style: keyof typeof CODES, text: string): string {
  if (!io.color) return text;
  const [open, close] = CODES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/**
 * Borderless table, kubectl style: UPPERCASE headers, columns separated by three spaces, the
 * last column unpadded. Rows shorter than the headers get empty cells.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      headers
        .map((_, i) => (i === headers.length - 1 ? (r[i] ?? '') : (r[i] ?? '').padEnd(widths[i]!)))
        .join('   ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** Print `value` as JSON or YAML on stdout. */
export function printStructured(io: Io, format: 'json' | 'yaml', value: unknown): void {
  io.out(format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value));
}
