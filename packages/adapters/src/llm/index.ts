// Public surface of the LLM adapter: the OpenAI-compatible chat client, the NL→SQL prompt and
// answer parser, schema-slice retrieval, the offline deterministic translator, and a fake
// protocol server for tests.
export {
  createLlmClient,
  isOfflineLlm,
  DEFAULT_LLM_TIMEOUT_MS,
  OFFLINE_BASE_URL,
} from './openai-compatible.js';
export type { CreateLlmClientOptions, FetchLike } from './openai-compatible.js';
export { parseRetryAfter } from './errors.js';
export { buildNl2SqlMessages, parseNl2SqlAnswer, describeSchema } from './nl2sql-prompt.js';
export type { Nl2SqlResult, Nl2SqlPromptInput, RepairContext } from './nl2sql-prompt.js';
export { selectSchemaSlice, DEFAULT_SLICE_TABLES } from './schema-slice.js';
export type { SchemaSliceOptions } from './schema-slice.js';
export * from './offline/index.js';
export type {
  ChatMessage,
  ChatOptions,
  ChatResult,
  ChatUsage,
  LlmClient,
  ResponseFormat,
} from './types.js';
export { startFakeOpenAiServer, chatCompletionBody } from './testing/fake-openai-server.js';
export type {
  FakeChatHandler,
  FakeChatRequest,
  FakeOpenAiServer,
  FakeReply,
} from './testing/fake-openai-server.js';
