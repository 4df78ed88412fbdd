// The OpenAI-compatible client against a real local HTTP server speaking the protocol: the
// request it sends (path, model, messages, temperature 0, response_format, bearer key from
// env), the reply it returns, and every failure typed: timeout, caller abort, 429 with and
// without Retry-After, 5xx, other 4xx, malformed JSON, a body that is not a completion, a
// refused connection, and spec validation naming the field.
import { ErrorCode, RetryAfterError, isTroupeError } from '@troupe/core';
import type { TroupeError } from '@troupe/core';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@troupe/test-support';
import { parseRetryAfter } from './errors.js';
import { createLlmClient, isOfflineLlm } from './openai-compatible.js';
import { startFakeOpenAiServer } from './testing/fake-openai-server.js';
import type { FakeChatHandler, FakeOpenAiServer } from './testing/fake-openai-server.js';

let server: FakeOpenAiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(handler: FakeChatHandler, timeoutMs?: number) {
  server = await startFakeOpenAiServer(handler);
  return createLlmClient(
    {
      type: 'llm',
      baseUrl: `${server.baseUrl}/`,
      model: 'm1',
      apiKey: 'env:TEST_LLM_KEY',
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    },
    { env: { TEST_LLM_KEY: 'sk-test-123' } },
  );
}

async function failure(p: Promise<unknown>): Promise<TroupeError> {
  try {
    await p;
  } catch (err) {
    if (isTroupeError(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

const hi = [{ role: 'user' as const, content: 'hi' }];

describe('createLlmClient: requests and replies', () => {
  it('POSTs {baseUrl}/chat/completions with model, messages, temperature 0 and the bearer key', async () => {
    const llm = await clientFor(() => 'hello there');
    const reply = await llm.chat(
      [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
      { responseFormat: { type: 'json_object' }, maxTokens: 64 },
    );
    expect(reply).toEqual({
      content: 'hello there',
      usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
      model: 'm1',
      finishReason: 'stop',
    });
    const req = server!.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test-123');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({
      model: 'm1',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
      temperature: 0,
      stream: false,
      response_format: { type: 'json_object' },
      max_tokens: 64,
    });
    expect(llm.baseUrl).toBe(server!.baseUrl);
  });

  it('sends no authorization header without apiKey, and no response_format unless asked', async () => {
    server = await startFakeOpenAiServer(() => 'ok');
    const llm = createLlmClient({ type: 'llm', baseUrl: server.baseUrl, model: 'llama3' });
    expect((await llm.chat(hi)).content).toBe('ok');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests[0]!.body).not.toHaveProperty('response_format');
  });

  it('a reply without usage has no usage', async () => {
    const llm = await clientFor(() => ({ json: { choices: [{ message: { content: 'x' } }] } }));
    expect(await llm.chat(hi)).toEqual({ content: 'x' });
  });
});

describe('createLlmClient: failures are typed', () => {
  it('times out with LLM_TIMEOUT (retryable, aborted: false)', async () => {
    const llm = await clientFor(() => ({ content: 'late', delayMs: 2000 }), 100);
    const started = Date.now();
    const e = await failure(llm.chat(hi));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(e.code).toBe(ErrorCode.LlmTimeout);
    expect(e.retryable).toBe(true);
    expect(e.data).toMatchObject({ timeoutMs: 100, aborted: false, model: 'm1' });
  });

  it("the caller's signal aborts with LLM_TIMEOUT aborted: true, before or during the call", async () => {
    const llm = await clientFor(() => ({ content: 'late', delayMs: 2000 }));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const e = await failure(llm.chat(hi, { signal: ac.signal }));
    expect(e.code).toBe(ErrorCode.LlmTimeout);
    expect(e.data.aborted).toBe(true);
    const before = await failure(llm.chat(hi, { signal: AbortSignal.abort() }));
    expect(before.data.aborted).toBe(true);
    expect(server!.requests).toHaveLength(1);
  });

  it('429 with Retry-After seconds is a RetryAfterError with the delay', async () => {
    const llm = await clientFor(() => ({
      status: 429,
      headers: { 'retry-after': '3' },
      json: { error: { message: 'Rate limit reached' } },
    }));
    const e = await failure(llm.chat(hi));
    expect(e).toBeInstanceOf(RetryAfterError);
    expect((e as RetryAfterError).delayMs).toBe(3000);
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('HTTP 429: Rate limit reached');
    expect(e.data).toMatchObject({ kind: 'http', status: 429, delayMs: 3000 });
  });

  it('429 without Retry-After and 5xx are retryable LLM_ERROR; 503 with Retry-After is RetryAfterError', async () => {
    const replies = [
      { status: 429, json: { error: { message: 'slow down' } } },
      { status: 500, body: 'Internal Server Error' },
      { status: 503, headers: { 'retry-after': '1' }, body: '' },
    ];
    const llm = await clientFor((_r, i) => replies[i]!);
    const e429 = await failure(llm.chat(hi));
    expect([e429.code, e429.retryable, e429.data.status]).toEqual([ErrorCode.LlmError, true, 429]);
    const e500 = await failure(llm.chat(hi));
    expect([e500.code, e500.retryable, e500.data.body]).toEqual([
      ErrorCode.LlmError,
      true,
      'Internal Server Error',
    ]);
    const e503 = await failure(llm.chat(hi));
    expect(e503).toBeInstanceOf(RetryAfterError);
    expect((e503 as RetryAfterError).delayMs).toBe(1000);
  });

  it.each([400, 401, 403, 404, 422])('%i is a non-retryable LLM_ERROR', async (status) => {
    const llm = await clientFor(() => ({ status, json: { error: { message: 'nope' } } }));
    const e = await failure(llm.chat(hi));
    expect(e.code).toBe(ErrorCode.LlmError);
    expect(e.retryable).toBe(false);
    expect(e.data).toMatchObject({ kind: 'http', status });
    expect(e.message).not.toContain('sk-test-123');
  });

  it('malformed JSON and a body that is not a completion are non-retryable protocol errors', async () => {
    const replies = [
      { body: '{"choices": [' },
      { json: { choices: [] } },
      { json: { choices: [{ message: { content: null } }] } },
    ];
    const llm = await clientFor((_r, i) => replies[i]!);
    for (const what of [
      'not JSON',
      'no choices[0].message.content',
      'no choices[0].message.content',
    ]) {
      const e = await failure(llm.chat(hi));
      expect(e.code).toBe(ErrorCode.LlmError);
      expect(e.retryable).toBe(false);
      expect(e.data.kind).toBe('protocol');
      expect(e.message).toContain(what);
    }
  });

  it('a refused connection is a retryable network LLM_ERROR', async () => {
    const port = await freePort();
    const llm = createLlmClient({
      type: 'llm',
      baseUrl: `http://127.0.0.1:${port}/v1`,
      model: 'm',
    });
    const e = await failure(llm.chat(hi));
    expect(e.code).toBe(ErrorCode.LlmError);
    expect(e.retryable).toBe(true);
    expect(e.data.kind).toBe('network');
  });
});

describe('createLlmClient: spec validation names the field', () => {
  const base = { type: 'llm' as const, baseUrl: 'http://127.0.0.1:1/v1', model: 'm' };
  it.each([
    [{ ...base, apiKey: 'sk-literal-secret' }, 'spec.apiKey', /never a literal secret/],
    [{ ...base, apiKey: 'env:MISSING_KEY' }, 'spec.apiKey', /MISSING_KEY, which is not set/],
    [{ ...base, baseUrl: 'ftp://x' }, 'spec.baseUrl', /http\(s\) URL/],
    [{ ...base, baseUrl: 'not a url' }, 'spec.baseUrl', /http\(s\) URL/],
    [{ ...base, baseUrl: 'http://u:p@host/v1' }, 'spec.baseUrl', /credentials/],
    [{ ...base, baseUrl: 'offline' }, 'spec.baseUrl', /createOfflineTranslator/],
    [{ ...base, model: '' }, 'spec.model', /non-empty/],
    [{ ...base, timeoutMs: 0 }, 'spec.timeoutMs', /> 0/],
  ])('%j', (spec, field, message) => {
    let thrown: unknown;
    try {
      createLlmClient(spec, { env: {} });
    } catch (err) {
      thrown = err;
    }
    expect(isTroupeError(thrown)).toBe(true);
    const e = thrown as TroupeError;
    expect(e.code).toBe(ErrorCode.InvalidOption);
    expect(e.data.field).toBe(field);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('sk-literal-secret');
  });

  it('isOfflineLlm recognizes baseUrl offline', () => {
    expect(isOfflineLlm({ baseUrl: 'offline' })).toBe(true);
    expect(isOfflineLlm({ baseUrl: 'http://x' })).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates; ignores garbage', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:29:00 GMT')),
    ).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('startFakeOpenAiServer', () => {
  it('answers 404 off the protocol path and 500 when the handler throws', async () => {
    server = await startFakeOpenAiServer(() => {
      throw new Error('scripted failure');
    });
    const other = await fetch(`${server.baseUrl}/models`);
    expect(other.status).toBe(404);
    const llm = createLlmClient({ type: 'llm', baseUrl: server.baseUrl, model: 'm' });
    const e = await failure(llm.chat(hi));
    expect(e.data.status).toBe(500);
    expect(e.message).toContain('scripted failure');
  });
});
