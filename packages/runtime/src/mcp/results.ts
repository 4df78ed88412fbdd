// Tool results as MCP wants them: readable text for the model plus structured content for
// programs. Failures are results with `isError: true` (so the model sees and can fix them),
// never protocol errors; a TroupeError keeps its stable code in the structured part.
import { isTroupeError } from '@troupe/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A successful result: `text` for people, `structured` (a JSON object) for programs. */
export function okResult(text: string, structured?: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text }],
    ...(structured === undefined ? {} : { structuredContent: structured }),
  };
}

/** An error result; `structured` carries details such as the correlation id. */
export function errorResult(text: string, structured?: Record<string, unknown>): CallToolResult {
  return { ...okResult(text, structured), isError: true };
}

/** Any thrown value as an error result (message, plus code and data of a TroupeError). */
export function thrownResult(err: unknown, prefix = ''): CallToolResult {
  if (isTroupeError(err))
    return errorResult(`${prefix}${err.message}`, {
      error: { code: err.code, message: err.message, data: err.data },
    });
  const message = err instanceof Error ? err.message : String(err);
  return errorResult(`${prefix}${message}`, { error: { code: 'UNKNOWN', message } });
}

/** JSON for the text part: indented, so a model reads it the way a person would. */
export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}
