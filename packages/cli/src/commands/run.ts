// `agentctl run`: one shot. Start a runtime (embedded unless --redis), apply the manifests,
// publish one event, wait for the first event of a listed type in its correlation, print it and
// exit: 0 on success; 1 on timeout (naming the correlation id), on an awaited type marked
// --fail-on, or on invalid manifests; 2 on a usage mistake such as --data that is not JSON.
import { ErrorCode, TroupeError, uuidv7, type CloudEvent } from '@troupe/core';
import type { Runtime } from '@troupe/runtime';
import { Option, type Command } from 'commander';
import { CliFailure, UsageError } from '../errors.js';
import { paint, printStructured, type Io } from '../io.js';
import { filenameOption } from './shared.js';
import {
  intFlag,
  loadManifestsOrFail,
  nodeOptions,
  openTransport,
  stderrLogger,
  type NodeFlags,
} from './up.js';

interface RunOptions extends NodeFlags {
  filename: string[];
  publish: string;
  data: string;
  wait: string;
  timeout?: string;
  failOn?: string;
  correlationId?: string;
  output?: 'summary' | 'json' | 'yaml';
}

/** Default of --timeout, in ms. */
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;

/** Parse --data; a usage error (exit 2) that names the flag when it is not JSON. */
export function parseDataFlag(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw new UsageError(
      `--data is not valid JSON (${err instanceof Error ? err.message : String(err)}): ${raw}`,
      'run',
    );
  }
}

/** Split a `A,B , C` list flag; a usage error when it is empty. */
export function listFlag(raw: string, flag: string): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`${flag} needs at least one event type`, 'run');
  return items;
}

function printResult(io: Io, event: CloudEvent, output: RunOptions['output']): void {
  if (output === 'json' || output === 'yaml') {
    printStructured(io, output, event);
    return;
  }
  io.out(
    `${event.type}  correlation=${event.correlationid}  source=${event.source}  hops=${event.hops}\n`,
  );
  io.out(`${JSON.stringify(event.data, null, 2)}\n`);
}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('run')
    .description(
      'one shot: start an embedded runtime, apply, publish one event, print the first awaited outcome',
    );
  filenameOption(cmd);
  nodeOptions(cmd)
    .requiredOption('--publish <type>', 'event type to publish (an entry type)')
    .option('--data <json>', 'the event data, as JSON', '{}')
    .requiredOption('--wait <types>', 'comma-separated event types to wait for (first one wins)')
    .option('--timeout <ms>', `how long to wait (default: ${DEFAULT_RUN_TIMEOUT_MS})`)
    .option('--fail-on <types>', 'comma-separated awaited types that mean failure (exit 1)')
    .option(
      '--correlation-id <id>',
      'correlation id of the published event (default: a new UUIDv7)',
    )
    .addOption(
      new Option(
        '-o, --output <format>',
        'summary (default), or the awaited envelope as json or yaml',
      ).choices(['summary', 'json', 'yaml']),
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 the awaited event arrived; 1 timeout, a --fail-on type arrived, or invalid
manifests; 2 usage (e.g. --data that is not JSON).

Examples:
  agentctl run -f manifests/quickstart.yaml --publish TextSubmitted \\
    --data '{"text":"The quick brown fox. The lazy dog."}' --wait TextStats
  agentctl run -f manifests/ --publish QueryReceived --data '{"question":"…"}' \\
    --wait ResultsReady,QueryError --fail-on QueryError -o json`,
    )
    .action(async (opts: RunOptions) => {
      const data = parseDataFlag(opts.data);
      const wait = listFlag(opts.wait, '--wait');
      const failOn = new Set(opts.failOn === undefined ? [] : listFlag(opts.failOn, '--fail-on'));
      const timeoutMs = intFlag(opts.timeout, '--timeout', 'run') ?? DEFAULT_RUN_TIMEOUT_MS;
      const log = stderrLogger(io, opts.verbose);
      const manifests = await loadManifestsOrFail(io, opts.filename);
      const transport = await openTransport(io, opts, log);
      const { createRuntime, defaultNodeId } = await import('@troupe/runtime');
      const runtime: Runtime = createRuntime({
        transport,
        nodeId: opts.nodeId ?? `run-${defaultNodeId()}`,
        options: { log, pool: { threads: 1 } },
      });
      const correlationId = opts.correlationId ?? uuidv7();
      try {
        await runtime.apply(manifests);
        io.err(
          paint(
            io,
            'dim',
            `publishing ${opts.publish} (correlation ${correlationId}); waiting up to ${timeoutMs} ms for ${wait.join(' or ')}\n`,
          ),
        );
        let result: CloudEvent;
        try {
          ({ result } = await runtime.request(opts.publish, data, {
            wait,
            timeoutMs,
            correlationId,
          }));
        } catch (err) {
          if (err instanceof TroupeError && err.code === ErrorCode.Timeout)
            throw new CliFailure(
              `timed out after ${timeoutMs} ms waiting for ${wait.join(' or ')} (correlation ${correlationId})`,
            );
          if (
            err instanceof TroupeError &&
            (err.code === ErrorCode.SchemaInvalid || err.code === ErrorCode.InvalidOption)
          )
            throw new CliFailure(`cannot publish ${opts.publish}: ${err.message}`);
          throw err;
        }
        printResult(io, result, opts.output);
        if (failOn.has(result.type)) {
          io.err(
            `${paint(io, 'red', 'failed:')} ${result.type} is marked --fail-on (correlation ${correlationId})\n`,
          );
          io.exitCode = 1;
        } else io.exitCode = 0;
      } finally {
        await runtime.close({ deadlineMs: 2000 });
      }
    });
}
