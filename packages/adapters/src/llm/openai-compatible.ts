// A client for the OpenAI-compatible chat-completions protocol (OpenAI, Ollama, vLLM, the
// llama.cpp server): POST `{baseUrl}/chat/completions` with the model, the messages,
// temperature 0 and an optional response_format. The API key comes only from `env:NAME` (a
// literal secret in a manifest is refused), every call has a timeout, and failures are typed
// errors the runtime's retry policy understands (see errors.ts).
import { ErrorCode, TroupeError } from '@troupe/core';
import type { LlmConnectionSpec } from '@troupe/core';
import { httpError, networkError, protocolError, timeoutError } from './errors.js';
import type { LlmTarget } from './errors.js';
import type { ChatMessage, ChatOptions, ChatResult, ChatUsage, LlmClient } from './types.js';

/** Default timeout of one chat call, in ms (local models can be slow on a cold start). */
export const DEFAULT_LLM_TIMEOUT_MS = 60_000;
/** The `baseUrl` that selects the built-in offline translator instead of an HTTP server. */
export const OFFLINE_BASE_URL = 'offline';

/** The fetch this client needs (the global one by default; tests may pass their own). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface CreateLlmClientOptions {
  /** Where `env:NAME` values are read from. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The fetch implementation. Default: globalThis.fetch. */
  fetch?: FetchLike;
  /** Extra request headers (e.g. `OpenAI-Organization`). Default: none. */
  headers?: Readonly<Record<string, string>>;
}

function invalid(field: string, message: string): TroupeError {
  return new TroupeError(ErrorCode.InvalidOption, `${field} ${message}`, {
    data: { field },
    retryable: false,
  });
}

/** True when the spec asks for the built-in offline translator (`baseUrl: offline`). */
export function isOfflineLlm(spec: Pick<LlmConnectionSpec, 'baseUrl'>): boolean {
  return spec.baseUrl.trim().toLowerCase() === OFFLINE_BASE_URL;
}

function checkBaseUrl(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw invalid('spec.baseUrl', 'must be a URL');
  if (isOfflineLlm({ baseUrl: raw }))
    throw invalid(
      'spec.baseUrl',
      'is "offline": that is the built-in translator (createOfflineTranslator), not an HTTP client',
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('spec.baseUrl', `must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid('spec.baseUrl', `must be an http(s) URL, got ${JSON.stringify(raw)}`);
  if (url.username !== '' || url.password !== '')
    throw invalid('spec.baseUrl', 'must not carry credentials: put the key in apiKey as env:NAME');
  return raw.replace(/\/+$/, '');
}

function resolveApiKey(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(raw))
    throw invalid(
      'spec.apiKey',
      'must be env:NAME (the name of an environment variable), never a literal secret',
    );
  const name = raw.slice(4);
  const value = env[name];
  if (value === undefined || value === '')
    throw invalid('spec.apiKey', `refers to environment variable ${name}, which is not set`);
  return value;
}

function checkTimeout(raw: unknown): number {
  if (raw === undefined) return DEFAULT_LLM_TIMEOUT_MS;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0)
    throw invalid('spec.timeoutMs', `must be a number > 0, got ${JSON.stringify(raw)}`);
  return raw;
}

function usageOf(raw: unknown): ChatUsage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const u = raw as Record<string, unknown>;
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const promptTokens = n(u.prompt_tokens);
  const completionTokens = n(u.completion_tokens);
  return {
    promptTokens,
    completionTokens,
    totalTokens: n(u.total_tokens) || promptTokens + completionTokens,
  };
}

/** Parse a chat-completions body; a protocol error when it is not one. */
function parseCompletion(target: LlmTarget, body: string): ChatResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw protocolError(target, 'the body is not JSON', body);
  }
  const reply = parsed as { choices?: unknown; usage?: unknown; model?: unknown };
  const first: unknown = Array.isArray(reply.choices) ? reply.choices[0] : undefined;
  const choice = first as { message?: { content?: unknown }; finish_reason?: unknown } | undefined;
  const content = choice?.message?.content;
  if (typeof content !== 'string')
    throw protocolError(target, 'no choices[0].message.content string', body);
  const usage = usageOf(reply.usage);
  return {
    content,
    ...(usage === undefined ? {} : { usage }),
    ...(typeof reply.model === 'string' ? { model: reply.model } : {}),
    ...(typeof choice?.finish_reason === 'string' ? { finishReason: choice.finish_reason } : {}),
  };
}

/** Create a chat-completions client from a `Connection` spec of type `llm`. Nothing connects yet. */
export function createLlmClient(
  spec: LlmConnectionSpec,
  options: CreateLlmClientOptions = {},
): LlmClient {
  const baseUrl = checkBaseUrl(spec.baseUrl);
  if (typeof spec.model !== 'string' || spec.model.trim() === '')
    throw invalid('spec.model', 'must be a non-empty string');
  const apiKey = resolveApiKey(spec.apiKey, options.env ?? process.env);
  const timeoutMs = checkTimeout(spec.timeoutMs);
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const target: LlmTarget = { baseUrl, model: spec.model };
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    ...options.headers,
    ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
  };

  async function chat(
    messages: readonly ChatMessage[],
    chatOptions: ChatOptions = {},
  ): Promise<ChatResult> {
    const { signal, responseFormat, maxTokens } = chatOptions;
    // A function, so TypeScript does not narrow `aborted` across the awaits below.
    const callerAborted = (): boolean => signal?.aborted === true;
    if (callerAborted()) throw timeoutError(target, timeoutMs, true);
    const timer = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? timer : AbortSignal.any([timer, signal]);
    const body = JSON.stringify({
      model: spec.model,
      messages,
      temperature: 0,
      stream: false,
      ...(responseFormat === undefined ? {} : { response_format: responseFormat }),
      ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    });
    let text: string;
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers,
        body,
        signal: combined,
      });
      text = await response.text();
    } catch (err) {
      if (combined.aborted) throw timeoutError(target, timeoutMs, callerAborted());
      throw networkError(target, err);
    }
    if (!response.ok)
      throw httpError(target, response.status, text, response.headers.get('retry-after'));
    return parseCompletion(target, text);
  }

  return { model: spec.model, baseUrl, chat };
}
