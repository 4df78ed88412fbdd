// Pieces several commands share: the `-f/--filename` option, the output option, and printing
// diagnostics as `file:line:col: path: message (hint)` lines on stderr.
import { formatDiagnostic, type Diagnostic } from '@troupe/core';
import { Option, type Command } from 'commander';
import { paint, type Io } from '../io.js';

/** `-f, --filename <path...>`: files or directories, repeatable. */
export function filenameOption(cmd: Command, required = true): Command {
  const description = 'manifest file or directory (*.yaml, *.yml, recursive); repeatable';
  return required
    ? cmd.requiredOption('-f, --filename <path...>', description)
    : cmd.option('-f, --filename <path...>', description);
}

/** `-o, --output <format>` limited to `choices`. */
export function outputOption(
  cmd: Command,
  choices: readonly string[],
  description: string,
): Command {
  return cmd.addOption(new Option('-o, --output <format>', description).choices([...choices]));
}

/** One diagnostic per line on stderr: `error: file:line:col: path: message (hint) [code]`. */
export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    const label =
      d.severity === 'error' ? paint(io, 'red', 'error') : paint(io, 'yellow', 'warning');
    io.err(`${label}: ${formatDiagnostic(d)} ${paint(io, 'dim', `[${d.code}]`)}\n`);
  }
}
