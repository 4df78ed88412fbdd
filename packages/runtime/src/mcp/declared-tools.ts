// `Tool` manifests as MCP tools (DESIGN.md §3, §6). A call validates its arguments against the
// Tool's input schema, arms the outcome wait (and, when the client sent a progress token, a
// watch of the correlation), publishes `spec.publish`, reports every event of the growing causal
// tree as a progress notification, and returns the first `until` event: a success type as the
// result, a failure type or a timeout as an error result that names the correlation id.
import {
  isTroupeError,
  ErrorCode,
  uuidv7,
  type CloudEvent,
  type LoadedManifest,
  type ToolManifest,
} from '@troupe/core';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { CorrelationWatch, McpBackend } from './backend.js';
import type { InputValidator } from './input-validation.js';
import { errorResult, okResult, pretty, thrownResult } from './results.js';

/** Default of a Tool's `spec.timeoutMs` (the manifest schema's default). */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

/** Longest wait for the progress watch to catch up with the outcome before the result. */
const PROGRESS_GRACE_MS = 500;

/** What a tool call may use of the MCP request it serves. */
export interface ToolCallContext {
  /** Aborted when the client cancels the request. */
  readonly signal: AbortSignal;
  /** Present when the client asked for progress; notifications are sent only then. */
  sendProgress?: (progress: number, message: string) => Promise<void>;
}

/** The Tool manifests of an applied set, by name. */
export function declaredTools(
  manifests: readonly LoadedManifest[],
): Map<string, LoadedManifest<ToolManifest>> {
  const tools = new Map<string, LoadedManifest<ToolManifest>>();
  for (const m of manifests)
    if (m.manifest.kind === 'Tool')
      tools.set(m.manifest.metadata.name, m as LoadedManifest<ToolManifest>);
  return tools;
}

/** The MCP description of a Tool manifest. */
export function toolDefinition(tool: ToolManifest): Tool {
  const input = tool.spec.input;
  return {
    name: tool.metadata.name,
    description: tool.spec.description,
    // MCP requires an object schema at the top; a manifest may leave `type` implicit.
    inputSchema: { ...input, type: 'object' },
    annotations: {
      // It starts a workflow whose agents may do anything: not read-only, not idempotent, and
      // destructiveHint is left at its default (true) because Troupe cannot promise otherwise.
      readOnlyHint: false,
      idempotentHint: false,
      openWorldHint: true,
    },
  };
}

function describeEvent(e: CloudEvent): string {
  return `${e.type} from ${e.source} (hop ${e.hops})`;
}

/** Run one call of a declared Tool. Never throws: every failure is an error result. */
export async function callDeclaredTool(
  backend: McpBackend,
  tool: ToolManifest,
  args: Record<string, unknown>,
  validator: InputValidator,
  ctx: ToolCallContext,
): Promise<CallToolResult> {
  const name = tool.metadata.name;
  const problems = validator.problems(tool.spec.input, args);
  if (problems.length > 0)
    return errorResult(`invalid arguments for ${name}: ${problems.join('; ')}`, {
      error: { code: ErrorCode.SchemaInvalid, message: 'invalid arguments', data: { problems } },
    });
  const success = tool.spec.until.success;
  const failure = tool.spec.until.failure ?? [];
  const timeoutMs = tool.spec.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const correlationId = uuidv7();
  const started = Date.now();

  // Progress notifications are chained so they leave in order and all before the result.
  let progressChain = Promise.resolve();
  let seen = 0;
  // The watch and the outcome wait are separate observers: the outcome may reach the wait
  // before the watch has reported the events that led to it. The result waits (briefly) until
  // the watch saw the outcome too, so progress is complete and precedes the result.
  const watched = new Set<string>();
  let sawOutcome: ((id: string) => void) | undefined;
  let watch: CorrelationWatch | undefined;
  const { sendProgress } = ctx;
  try {
    if (sendProgress)
      watch = await backend.watchCorrelation(correlationId, (event) => {
        watched.add(event.id);
        sawOutcome?.(event.id);
        seen += 1;
        const n = seen;
        progressChain = progressChain.then(() =>
          sendProgress(n, describeEvent(event)).catch(() => {}),
        );
      });
    const wait = await backend.waitFor(correlationId, [...success, ...failure], timeoutMs);
    const onAbort = (): void => void wait.cancel();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await backend.publish(tool.spec.publish, args, {
        correlationId,
        source: `troupe://mcp/tool/${name}`,
      });
    } catch (err) {
      await wait.cancel();
      return thrownResult(
        err,
        `${name}: cannot publish ${tool.spec.publish} (correlation ${correlationId}): `,
      );
    }
    let outcome: CloudEvent;
    try {
      outcome = await wait.event;
    } catch (err) {
      const timedOut = isTroupeError(err) && err.code === ErrorCode.Timeout && !ctx.signal.aborted;
      const why = timedOut
        ? `timed out after ${timeoutMs} ms waiting for ${[...success, ...failure].join(' or ')}`
        : 'was cancelled';
      return errorResult(`${name} ${why} (correlation ${correlationId})`, {
        outcome: timedOut ? 'timeout' : 'cancelled',
        correlationId,
        timeoutMs,
        waitingFor: [...success, ...failure],
        eventsSeen: seen,
      });
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    if (watch && !watched.has(outcome.id))
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, PROGRESS_GRACE_MS);
        sawOutcome = (id) => {
          if (id !== outcome.id) return;
          clearTimeout(timer);
          resolve();
        };
      });
    await progressChain;
    const elapsedMs = Date.now() - started;
    const structured = {
      outcome: success.includes(outcome.type) ? 'success' : 'failure',
      correlationId,
      elapsedMs,
      event: outcome as unknown as Record<string, unknown>,
    };
    if (structured.outcome === 'failure')
      return errorResult(
        `${name} failed: ${outcome.type} (correlation ${correlationId})\n${pretty(outcome.data)}`,
        structured,
      );
    return okResult(
      `${outcome.type} (correlation ${correlationId}, ${elapsedMs} ms)\n${pretty(outcome.data)}`,
      structured,
    );
  } catch (err) {
    return thrownResult(err, `${name} (correlation ${correlationId}): `);
  } finally {
    await watch?.close().catch(() => {});
  }
}
