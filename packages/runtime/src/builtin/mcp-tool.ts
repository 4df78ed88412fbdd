// Built-in handler of `uses: mcp-tool` (docs/decisions/0009): render the tool arguments from the
// event, call the tool through ctx.tools (so the handler deadline, the per-call timeout and the
// tool pins apply), and emit `tool.result` with the result, or `tool.failure` when the tool
// answers with an error result. Everything else (timeouts, a server that is down, protocol
// errors) is thrown: the agent's retry policy, breaker and DLQ take it from there.
import {
  ErrorCode,
  NonRetryableError,
  defineAgent,
  isTroupeError,
  renderTemplateArguments,
  type AgentToolSpec,
} from '@troupe/core';

interface ContentItem {
  type: string;
  text?: unknown;
}

/** The text of a tool result's content: text items joined by newlines, others as `[type]`. */
export function contentText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return (content as ContentItem[])
    .map((c) =>
      c?.type === 'text' && typeof c.text === 'string' ? c.text : `[${String(c?.type)}]`,
    )
    .join('\n');
}

/** The `result` of the result event: structuredContent if the tool gave one, else its text. */
export function resultValue(result: unknown): unknown {
  const r = (result ?? {}) as { structuredContent?: unknown; content?: unknown };
  return r.structuredContent !== undefined && r.structuredContent !== null
    ? r.structuredContent
    : contentText(r.content);
}

/** The content of an MCP error result (isError), as the adapter reports it; else undefined. */
function errorResultContent(err: unknown): unknown[] | undefined {
  if (!isTroupeError(err) || err.code !== ErrorCode.McpError) return undefined;
  const data = err.data as { kind?: unknown; content?: unknown };
  return data.kind === 'tool-error' && Array.isArray(data.content) ? data.content : undefined;
}

function toolOf(config: Readonly<Record<string, unknown>>): AgentToolSpec {
  const tool = config.tool as AgentToolSpec | undefined;
  if (tool === undefined || typeof tool.connection !== 'string' || typeof tool.name !== 'string')
    throw new NonRetryableError(
      'the mcp-tool built-in was started without spec.tool (a runtime bug)',
    );
  return tool;
}

export default defineAgent(async (event, ctx) => {
  const tool = toolOf(ctx.config);
  const where = { connection: tool.connection, tool: tool.name };
  const args = renderTemplateArguments(tool.arguments, event);
  if (!args.ok) {
    const { path, at, reason } = args.miss;
    const place = at.length === 0 ? 'spec.tool.arguments' : `spec.tool.arguments.${at.join('.')}`;
    throw new NonRetryableError(
      reason === 'missing'
        ? `event ${event.id} has no '${path}' (${place} needs it)`
        : `'${path}' of event ${event.id} is not a mapping (${place} must be one)`,
      { data: { ...where, path, argument: place, reason } },
    );
  }
  let result: unknown;
  try {
    result = await ctx.tools.call(
      tool.connection,
      tool.name,
      args.value,
      tool.timeoutMs === undefined ? {} : { timeoutMs: tool.timeoutMs },
    );
  } catch (err) {
    const content = errorResultContent(err);
    // Not the tool's own answer, or no failure type to report it with: retry / DLQ decide.
    if (content === undefined || tool.failure === undefined) throw err;
    ctx.emit(tool.failure, { ...where, error: contentText(content) });
    return;
  }
  ctx.emit(tool.result, { ...where, result: resultValue(result) });
});
