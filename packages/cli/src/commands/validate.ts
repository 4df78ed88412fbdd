// `agentctl validate -f PATH…`: offline schema validation and static analysis of manifests.
// Diagnostics go to stderr as `file:line:col: path: message` lines, the one-line summary to
// stdout; `-o json|yaml` prints the findings as data on stdout instead; `-o table` as a table.
import { countDiagnostics, validateManifests, type Diagnostic } from '@troupe/core';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { formatTable, printStructured, type Io } from '../io.js';
import { filenameOption, outputOption, printDiagnostics } from './shared.js';

interface ValidateOptions {
  filename: string[];
  output?: 'table' | 'json' | 'yaml';
  maxFileBytes?: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function parseBytes(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--max-file-bytes must be a positive integer, got '${raw}'`, 'validate');
  }
  return n;
}

function row(d: Diagnostic): string[] {
  const at =
    d.location === undefined ? '' : `${d.location.file}:${d.location.line}:${d.location.column}`;
  return [
    d.severity,
    d.code,
    at,
    d.path,
    d.hint === undefined ? d.message : `${d.message} (${d.hint})`,
  ];
}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('validate')
    .description(
      'validate manifests offline: schema, references and static analysis of the event graph',
    );
  filenameOption(cmd);
  outputOption(
    cmd,
    ['table', 'json', 'yaml'],
    'print the findings as a table, JSON or YAML on stdout',
  );
  cmd
    .option('--max-file-bytes <n>', 'refuse manifest files larger than this (default: 1048576)')
    .addHelpText(
      'after',
      `
Diagnostics are printed on stderr as 'file:line:col: path: message (hint)'. Exit code 0 when
the manifests are valid (warnings allowed), 1 when any error was found, 2 on a usage mistake.

Examples:
  agentctl validate -f manifests/
  agentctl validate -f system.yaml -f agents/ -o json`,
    )
    .action(async (opts: ValidateOptions) => {
      const maxFileBytes = parseBytes(opts.maxFileBytes);
      const result = await validateManifests(
        opts.filename,
        maxFileBytes === undefined ? {} : { maxFileBytes },
      );
      const { errors, warnings } = countDiagnostics(result.diagnostics);
      const files = result.set.files?.length ?? 0;
      const documents = result.set.documents ?? 0;
      const summary = `${plural(files, 'file')}, ${plural(documents, 'document')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
      if (opts.output === 'json' || opts.output === 'yaml') {
        printStructured(io, opts.output, {
          ok: result.ok,
          files: result.set.files ?? [],
          documents,
          errors,
          warnings,
          diagnostics: result.diagnostics,
        });
      } else if (opts.output === 'table') {
        if (result.diagnostics.length > 0) {
          io.out(
            formatTable(
              ['severity', 'code', 'location', 'path', 'message'],
              result.diagnostics.map(row),
            ),
          );
        }
        io.err(`${summary}\n`);
      } else {
        printDiagnostics(io, result.diagnostics);
        io.out(`${summary}\n`);
      }
      io.exitCode = result.ok ? 0 : 1;
    });
}
