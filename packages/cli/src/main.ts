// agentctl: builds the commander program, registers one module per command from
// `commands/*.ts` (each exports `register(program, io)`), and maps every outcome to an exit
// code: 0 ok, 1 failure, 2 usage. Nothing here calls process.exit, so `main` is testable.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { register as registerApply } from './commands/apply.js';
import { register as registerDlq } from './commands/dlq.js';
import { register as registerGet } from './commands/get.js';
import { register as registerGraph } from './commands/graph.js';
import { register as registerLogs } from './commands/logs.js';
import { register as registerMcp } from './commands/mcp.js';
import { register as registerPublish } from './commands/publish.js';
import { register as registerRun } from './commands/run.js';
import { register as registerUp } from './commands/up.js';
import { register as registerValidate } from './commands/validate.js';
import { CliFailure, ExitCode, UsageError } from './errors.js';
import { createIo, paint, type Io } from './io.js';

/** A command module: adds its command (or command group) to the program. */
export type RegisterCommand = (program: Command, io: Io) => void;

/** Every command, in help order. Add a command by adding its module here. */
const COMMANDS: readonly RegisterCommand[] = [
  registerValidate,
  registerGraph,
  registerUp,
  registerRun,
  registerApply,
  registerGet,
  registerPublish,
  registerDlq,
  registerLogs,
  registerMcp,
];

/** commander error codes that mean "the user typed it wrong". */
const USAGE_CODES = new Set([
  'commander.unknownCommand',
  'commander.unknownOption',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.excessArguments',
  'commander.invalidArgument',
  'commander.conflictingOption',
  // `agentctl` with no command: help is printed on stderr.
  'commander.help',
]);

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Build the program with every command registered (exported for help/export-map tests). */
export function buildProgram(io: Io): Command {
  const program = new Command('agentctl')
    .description('Troupe: choreographed, event-driven multi-agent systems')
    .version(version(), '-v, --version')
    .option('--no-color', 'disable colored output (NO_COLOR is honoured too)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: (s, write) => write(paint(io, 'red', s)),
    })
    .showHelpAfterError("(run 'agentctl --help' for usage)")
    .addHelpText(
      'after',
      `
Examples:
  agentctl validate -f manifests/
  agentctl graph -f manifests/ --format dot
  agentctl up -f manifests/quickstart.yaml          # node + admin API on 127.0.0.1:7070
  agentctl publish TextSubmitted --data '{"text":"hi"}' --wait TextStats
  agentctl get agents`,
    );
  program.hook('preAction', (cmd) => {
    if (cmd.optsWithGlobals<{ color?: boolean }>().color === false) io.color = false;
  });
  for (const register of COMMANDS) register(program, io);
  for (const cmd of program.commands) {
    cmd.showHelpAfterError(`(run 'agentctl ${cmd.name()} --help' for usage)`);
  }
  return program;
}

/**
 * Run agentctl with `argv` (without node and script) and return the exit code. `io` defaults
 * to the process streams and environment.
 */
export async function main(argv: readonly string[], io: Io = createIo()): Promise<number> {
  if (argv.includes('--no-color')) io.color = false;
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return io.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version')
        return ExitCode.Ok;
      return USAGE_CODES.has(err.code) ? ExitCode.Usage : err.exitCode || ExitCode.Failure;
    }
    if (err instanceof UsageError) {
      const help = err.command === undefined ? 'agentctl --help' : `agentctl ${err.command} --help`;
      io.err(`${paint(io, 'red', 'error:')} ${err.message}\n(run '${help}' for usage)\n`);
      return ExitCode.Usage;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.err(`${paint(io, 'red', 'error:')} ${message}\n`);
    if (
      !(err instanceof CliFailure) &&
      io.env.AGENTCTL_DEBUG &&
      err instanceof Error &&
      err.stack
    ) {
      io.err(`${err.stack}\n`);
    }
    return err instanceof CliFailure ? err.exitCode : ExitCode.Failure;
  }
}
