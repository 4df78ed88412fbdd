// Public API of @troupe/cli: the agentctl entry point and the pieces command modules use.
// Everything exported here is public API.
export { main, buildProgram, type RegisterCommand } from './main.js';
export { ExitCode, UsageError, CliFailure } from './errors.js';
export {
  createIo,
  colorEnabled,
  formatTable,
  paint,
  printStructured,
  type Io,
  type OutputFormat,
} from './io.js';
