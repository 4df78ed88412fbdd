// The CLI's HTTP client of the admin API: server and token from flags or TROUPE_SERVER /
// TROUPE_TOKEN, JSON in and out, problem+json turned into one readable line (CliFailure, exit 1),
// an unreachable server or a refused token explained with what to do, and server-sent events
// read as an async stream for `logs -f`.
import type { Diagnostic } from '@troupe/core';
import type { Command } from 'commander';
import { CliFailure, UsageError } from './errors.js';
import type { Io } from './io.js';

/** Default of TROUPE_SERVER / --server. */
export const DEFAULT_SERVER = 'http://127.0.0.1:7070';

/** Flags every client command takes. */
export interface ClientFlags {
  server?: string;
  token?: string;
}

/** Add `--server` and `--token` to a command. */
export function clientOptions(cmd: Command): Command {
  return cmd
    .option(
      '--server <url>',
      `admin API of the runtime (default: TROUPE_SERVER or ${DEFAULT_SERVER})`,
    )
    .option('--token <token>', 'bearer token (default: TROUPE_TOKEN)');
}

/** A problem the server answered with. */
export class ServerProblem extends CliFailure {
  readonly status: number;
  readonly code: string;
  readonly data: Readonly<Record<string, unknown>>;
  constructor(status: number, code: string, message: string, data: Record<string, unknown>) {
    super(message);
    this.name = 'ServerProblem';
    this.status = status;
    this.code = code;
    this.data = data;
  }

  /** Diagnostics the server attached (manifest validation), if any. */
  get diagnostics(): Diagnostic[] {
    const d = this.data.diagnostics;
    return Array.isArray(d) ? (d as Diagnostic[]) : [];
  }
}

export interface RequestOptions {
  json?: unknown;
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  /** Expect text instead of JSON. */
  text?: boolean;
  signal?: AbortSignal;
}

export class AdminClient {
  readonly server: string;
  readonly #token: string | undefined;

  constructor(server: string, token: string | undefined) {
    this.server = server.replace(/\/+$/, '');
    this.#token = token === '' ? undefined : token;
  }

  #url(path: string, query: RequestOptions['query'] = {}): string {
    const url = new URL(`${this.server}${path}`);
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      if (Array.isArray(v))
        for (const item of v as readonly string[]) url.searchParams.append(k, item);
      else url.searchParams.set(k, String(v));
    }
    return url.toString();
  }

  async #fetch(method: string, path: string, o: RequestOptions, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (o.json !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.#url(path, o.query), {
        method,
        headers,
        ...(o.json === undefined ? {} : { body: JSON.stringify(o.json) }),
        ...(o.signal ? { signal: o.signal } : {}),
      });
    } catch (err) {
      if (o.signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why =
        cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
      throw new CliFailure(
        `cannot reach the Troupe server at ${this.server} (${why}): start one with 'agentctl up', or point TROUPE_SERVER / --server at it`,
      );
    }
    if (res.ok) return res;
    throw await this.#problem(res);
  }

  async #problem(res: Response): Promise<CliFailure> {
    const text = await res.text();
    let body: { detail?: string; code?: string; data?: Record<string, unknown> } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not our server, or a proxy's error page: show its status line.
    }
    if (res.status === 401)
      return new ServerProblem(
        401,
        body.code ?? 'UNAUTHORIZED',
        `the server at ${this.server} refused the token (${body.detail ?? 'unauthorized'}): set TROUPE_TOKEN or --token`,
        body.data ?? {},
      );
    return new ServerProblem(
      res.status,
      body.code ?? 'HTTP_ERROR',
      body.detail ?? `${this.server} answered ${res.status} ${res.statusText}`,
      body.data ?? {},
    );
  }

  /** JSON request; the parsed answer. */
  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const res = await this.#fetch(method, path, o, 'application/json');
    return (await res.json()) as T;
  }

  /** A request whose answer is text. */
  async text(path: string, o: RequestOptions = {}): Promise<string> {
    const res = await this.#fetch('GET', path, o, 'text/plain');
    return res.text();
  }

  /** Server-sent events of `path`, parsed from `data:` lines as JSON, until the stream ends. */
  async *events<T>(path: string, o: RequestOptions = {}): AsyncGenerator<T> {
    const res = await this.#fetch('GET', path, o, 'text/event-stream');
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n');
        if (data) yield JSON.parse(data) as T;
      }
    }
  }
}

/** The client the flags and environment ask for. */
export function clientFrom(io: Io, flags: ClientFlags, command?: string): AdminClient {
  const server = flags.server ?? io.env.TROUPE_SERVER ?? DEFAULT_SERVER;
  try {
    const url = new URL(server);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(
      `--server / TROUPE_SERVER must be an http(s) URL, got '${server}'`,
      command,
    );
  }
  return new AdminClient(server, flags.token ?? io.env.TROUPE_TOKEN);
}
