// `agentctl apply -f PATH… [--dry-run]` and `agentctl diff -f PATH…`: send manifest files (text
// and path relative to the node's project root) to a running node. The node validates and
// analyses the whole resulting set and reconciles its agents without a restart. apply prints
// `kind/name created|configured|unchanged` per document; diff prints a unified diff per changed
// document and exits 1 when anything would change (0 when nothing would).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadManifests, type Diagnostic } from '@troupe/core';
import type { Command } from 'commander';
import { ServerProblem, clientFrom, clientOptions, type ClientFlags } from '../client.js';
import { CliFailure } from '../errors.js';
import { OUTPUT_FORMATS, printStructured, type Io, type OutputFormat } from '../io.js';
import { filenameOption, outputOption, printDiagnostics } from './shared.js';

interface FileFlags extends ClientFlags {
  filename: string[];
  root?: string;
  output?: OutputFormat;
}

interface Change {
  kind: string;
  name: string;
  action: string;
  path: string;
  diff?: string;
}

/** The manifest files behind `-f` (directories expanded), with paths relative to `root`. */
export async function manifestFiles(
  paths: readonly string[],
  root: string,
): Promise<{ path: string; text: string }[]> {
  const set = await loadManifests([...paths]);
  const files = set.files ?? [];
  if (files.length === 0)
    throw new CliFailure(`no manifest files (*.yaml, *.yml) in ${paths.join(', ')}`);
  return Promise.all(
    files.map(async (f) => ({
      path: path.relative(root, path.resolve(f)).split(path.sep).join('/'),
      text: await readFile(f, 'utf8'),
    })),
  );
}

/** Print server-side diagnostics of a refused apply before the error line. */
export function explainRefusal(io: Io, err: unknown): never {
  if (err instanceof ServerProblem && err.diagnostics.length > 0)
    printDiagnostics(io, err.diagnostics);
  throw err;
}

const label = (c: Change): string => `${c.kind.toLowerCase()}/${c.name}`;

function fileFlags(cmd: Command): Command {
  filenameOption(cmd);
  clientOptions(cmd).option(
    '--root <dir>',
    "the node's project root as seen from here: paths are sent relative to it (default: the current directory)",
  );
  return outputOption(cmd, OUTPUT_FORMATS, 'output format: table (default), json or yaml');
}

export function register(program: Command, io: Io): void {
  const apply = program
    .command('apply')
    .description('apply manifests to a running node (validated and analysed there)')
    .option('--dry-run', 'validate and show what would change, change nothing');
  fileFlags(apply)
    .addHelpText(
      'after',
      `
Paths are sent relative to the node's project root (the directory 'agentctl up' runs in), where
the handlers must be deployed; run apply from that directory or pass --root.

Examples:
  agentctl apply -f manifests/quickstart.yaml
  agentctl apply -f manifests/ --dry-run -o yaml`,
    )
    .action(async (opts: FileFlags & { dryRun?: boolean }) => {
      const client = clientFrom(io, opts, 'apply');
      const files = await manifestFiles(opts.filename, path.resolve(opts.root ?? '.'));
      const outcome = await client
        .request<{ changes: Change[]; diagnostics: Diagnostic[]; dryRun: boolean }>(
          'POST',
          '/v1/manifests',
          {
            json: { files },
            query: { dryRun: opts.dryRun ? 'true' : undefined },
          },
        )
        .catch((err: unknown) => explainRefusal(io, err));
      printDiagnostics(io, outcome.diagnostics);
      if (opts.output === 'json' || opts.output === 'yaml') {
        printStructured(io, opts.output, outcome);
        return;
      }
      const suffix = outcome.dryRun ? ' (dry run)' : '';
      for (const c of outcome.changes) io.out(`${label(c)} ${c.action}${suffix}\n`);
    });

  const diff = program
    .command('diff')
    .description(
      'show what applying manifests would change (exit 0: nothing, 1: changes, 2: error)',
    );
  fileFlags(diff)
    .addHelpText(
      'after',
      `
Exit status: 0 when nothing would change, 1 when something would, 2 on an error (invalid
manifests, unreachable server, refused token), like diff(1) and kubectl diff.

Examples:
  agentctl diff -f manifests/quickstart.yaml
  agentctl diff -f manifests/ && echo up to date`,
    )
    .action((opts: FileFlags) =>
      runDiff(opts).catch((err: unknown) => {
        if (err instanceof CliFailure) err.exitCode = DIFF_TROUBLE;
        throw err;
      }),
    );

  async function runDiff(opts: FileFlags): Promise<void> {
    const client = clientFrom(io, opts, 'diff');
    const files = await manifestFiles(opts.filename, path.resolve(opts.root ?? '.'));
    const result = await client
      .request<{ changed: boolean; changes: Change[]; diagnostics: Diagnostic[] }>(
        'POST',
        '/v1/manifests/diff',
        {
          json: { files },
        },
      )
      .catch((err: unknown) => explainRefusal(io, err));
    printDiagnostics(io, result.diagnostics);
    io.exitCode = result.changed ? 1 : 0;
    if (opts.output === 'json' || opts.output === 'yaml') {
      printStructured(io, opts.output, result);
      return;
    }
    for (const c of result.changes) {
      if (c.action === 'unchanged') continue;
      io.out(`diff ${label(c)} (${c.action}, ${c.path})\n`);
      io.out(
        `--- ${c.action === 'created' ? '/dev/null' : `applied/${label(c)}`}\n+++ ${c.path}\n`,
      );
      for (const line of (c.diff ?? '').split('\n')) if (line !== '') io.out(`${line}\n`);
    }
    if (!result.changed) io.err('no changes\n');
  }
}

/** `diff`'s exit code for trouble: 1 already means "there are changes". */
const DIFF_TROUBLE = 2;
