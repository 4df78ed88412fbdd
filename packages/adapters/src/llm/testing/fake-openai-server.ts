// A small local HTTP server (node:http on 127.0.0.1, port 0) that speaks the OpenAI
// chat-completions protocol, for tests of anything that calls an LLM: the handler sees each
// parsed request and answers with content, a status, headers, a raw body or a delay. Public so
// agent tests (nl2sql, repair rounds) can script a model without a network or a GPU.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatMessage } from '../types.js';

/** One request the fake server received. */
export interface FakeChatRequest {
  method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body (undefined when it was not JSON). */
  body:
    | { model?: string; messages?: ChatMessage[]; temperature?: number; [key: string]: unknown }
    | undefined;
  rawBody: string;
  /** The messages of the body (empty when absent). */
  messages: ChatMessage[];
}

/** What the handler answers. A string is the assistant's content with status 200. */
export type FakeReply =
  | string
  | {
      /** Assistant content, wrapped in a chat-completion body. */
      content?: string;
      /** HTTP status. Default 200. */
      status?: number;
      headers?: Readonly<Record<string, string>>;
      /** Sent as JSON instead of a completion (e.g. `{ error: { message } }`). */
      json?: unknown;
      /** Sent verbatim instead (e.g. malformed JSON). */
      body?: string;
      /** Wait this long before answering (the wait ends early if the client goes away). */
      delayMs?: number;
      /** `usage` of the completion. Default: small fixed counts. */
      usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };

export type FakeChatHandler = (
  request: FakeChatRequest,
  index: number,
) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAiServer {
  /** Base URL to put in a `Connection` (`http://127.0.0.1:<port>/v1`). */
  readonly baseUrl: string;
  /** Every request received, in order. */
  readonly requests: readonly FakeChatRequest[];
  close(): Promise<void>;
}

/** A chat-completion response body with `content` as the first choice. */
export function chatCompletionBody(content: string, model = 'fake-model'): Record<string, unknown> {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function wait(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function parse(raw: string): FakeChatRequest['body'] {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null
      ? (value as FakeChatRequest['body'])
      : undefined;
  } catch {
    return undefined;
  }
}

/** Start the server. Requests to anything but POST `/v1/chat/completions` get 404. */
export async function startFakeOpenAiServer(handler: FakeChatHandler): Promise<FakeOpenAiServer> {
  const requests: FakeChatRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method !== 'POST' || path !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
        return;
      }
      const body = parse(rawBody);
      const request: FakeChatRequest = {
        method: req.method,
        path,
        headers: req.headers as Record<string, string | undefined>,
        body,
        rawBody,
        messages: Array.isArray(body?.messages) ? body.messages : [],
      };
      requests.push(request);
      let reply: FakeReply;
      try {
        reply = await handler(request, requests.length - 1);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `fake handler threw: ${String(err)}` } }));
        return;
      }
      const r = typeof reply === 'string' ? { content: reply } : reply;
      if (r.delayMs !== undefined) await wait(r.delayMs, res);
      if (res.destroyed) return;
      const payload =
        r.body ??
        JSON.stringify(
          r.json ?? {
            ...chatCompletionBody(r.content ?? '', body?.model ?? 'fake-model'),
            ...(r.usage === undefined ? {} : { usage: r.usage }),
          },
        );
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...r.headers });
      res.end(payload);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
