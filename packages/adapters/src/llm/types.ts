// The shapes the LLM adapter speaks: chat messages, per-call options and the reply, kept to
// the subset of the OpenAI chat-completions protocol that OpenAI, Ollama, vLLM and the
// llama.cpp server all implement.

/** One chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** `response_format` of the request: free text, any JSON object, or a JSON Schema. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean };
    };

export interface ChatOptions {
  /** Cancels the request (e.g. the handler's `ctx.signal`); ends in LLM_TIMEOUT with `aborted: true`. */
  signal?: AbortSignal;
  /** Sent as `response_format`. Default: not sent (free text). */
  responseFormat?: ResponseFormat;
  /** Sent as `max_tokens`. Default: not sent (the server's default). */
  maxTokens?: number;
}

/** Token counts, when the server reports them. */
export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatResult {
  /** The first choice's message content. */
  content: string;
  usage?: ChatUsage;
  /** The model that answered, as the server names it. */
  model?: string;
  /** `finish_reason` of the first choice (`stop`, `length`, …). */
  finishReason?: string;
}

/** A chat-completions client for one connection. */
export interface LlmClient {
  /** The model requests name. */
  readonly model: string;
  /** The base URL requests go to (`{baseUrl}/chat/completions`). */
  readonly baseUrl: string;
  /** One completion at temperature 0. Throws LLM_ERROR, LLM_TIMEOUT or RetryAfterError. */
  chat(messages: readonly ChatMessage[], options?: ChatOptions): Promise<ChatResult>;
}
