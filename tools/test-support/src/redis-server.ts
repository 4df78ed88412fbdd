// An own `redis-server` for crash / restart tests: a free port, a temp dir, no RDB snapshots,
// AOF on or off. Only the pid this module spawned is ever signalled, and the child is killed
// when the test process exits so a failed test never leaves a server behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { redisAvailable } from './redis.js';

export interface RedisServerOptions {
  /** Append-only file on (durable across kill / restart). Default true. */
  aof?: boolean;
  /** AOF fsync policy. Default `everysec` (Redis' default). */
  appendfsync?: 'always' | 'everysec' | 'no';
  /** More `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  extraArgs?: readonly string[];
  /** How long to wait for the server to answer PING. Default 10 000 ms. */
  startTimeoutMs?: number;
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Pid of the current server process (changes after `restart()`). */
  readonly pid: number;
  /** Its data directory (AOF lives here); removed by `stop()`. */
  readonly dir: string;
  /** Send a signal to this server only (e.g. `SIGKILL` to crash it, `SIGSTOP` to pause it). */
  kill(signal?: NodeJS.Signals): void;
  /** Stop the server if it runs (SIGTERM, then SIGKILL after 5 s) and start it again on the same port and dir. */
  restart(): Promise<void>;
  /** Stop the server and remove its directory. Idempotent. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGCONT'); // a paused server cannot handle SIGTERM
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited(child);
  clearTimeout(timer);
}

/** Start an own `redis-server` and wait until it answers PING. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  installExitHook();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'troupe-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    options.aof === false ? 'no' : 'yes',
    '--appendfsync',
    options.appendfsync ?? 'everysec',
    '--dir',
    dir,
    '--daemonize',
    'no',
    ...(options.extraArgs ?? []),
  ];
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;
  let stopped = false;

  const launch = async (): Promise<void> => {
    let output = '';
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    live.add(proc);
    proc.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    proc.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    proc.once('exit', () => live.delete(proc));
    const spawnError = new Promise<Error>((resolve) => proc.once('error', resolve));
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (proc.exitCode !== null)
        throw new Error(`redis-server exited with ${proc.exitCode}: ${output}`);
      const failed = await Promise.race([
        spawnError,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 50)),
      ]);
      if (failed) throw new Error(`cannot start redis-server: ${failed.message}`);
      if (await redisAvailable(url)) return;
      if (Date.now() > deadline) {
        await terminate(proc);
        throw new Error(
          `redis-server on port ${port} did not answer within ${startTimeoutMs} ms: ${output}`,
        );
      }
    }
  };

  try {
    await launch();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    url,
    port,
    dir,
    get pid() {
      return child?.pid ?? -1;
    },
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    async restart() {
      if (stopped) throw new Error('restart after stop()');
      if (child) await terminate(child);
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child) await terminate(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
