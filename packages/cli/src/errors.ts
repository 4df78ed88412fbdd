// The CLI's two failure kinds and their exit codes (kubectl habits): a usage mistake exits 2
// with a one-line message and a help hint; an operational failure exits 1.

/** Exit codes: 0 ok, 1 failure (validation failed, server refused, not found), 2 usage. */
export const ExitCode = { Ok: 0, Failure: 1, Usage: 2 } as const;

/** Bad invocation: unknown flag value, conflicting options, malformed argument. Exit 2. */
export class UsageError extends Error {
  readonly exitCode = ExitCode.Usage;
  /** The command whose `--help` explains the fix (e.g. `validate`). */
  readonly command?: string;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    if (command !== undefined) this.command = command;
  }
}

/**
 * An operation failed; the message is for humans and already explains why. Exit 1, or the
 * command's own code for trouble (`diff` exits 2, as 1 means "there are changes").
 */
export class CliFailure extends Error {
  exitCode: number = ExitCode.Failure;
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}
