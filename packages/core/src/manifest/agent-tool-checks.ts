// Checks of a `uses: mcp-tool` agent that JSON Schema cannot express (docs/decisions/0009):
// argument templates, the per-call timeout within the handler timeout, and `emits` matching the
// two types the built-in handler emits. The connection's existence and type are checked on the
// whole set (analyze.ts), since the Connection may live in another file.
import { DiagnosticCode } from './diagnostic-codes.js';
import { checkTemplateArguments } from './templates.js';
import type { AgentManifest } from './types.js';
import type { PathSegment } from './yaml-source.js';

/** `spec.timeoutMs` when the manifest does not set it (the schema's default). */
const DEFAULT_AGENT_TIMEOUT_MS = 30_000;

export interface AgentToolProblem {
  code: string;
  path: PathSegment[];
  message: string;
  hint?: string;
}

/** The types a `uses: mcp-tool` agent emits: `tool.result`, then `tool.failure` if set. */
export function toolEmits(spec: AgentManifest['spec']): string[] {
  const tool = spec.tool;
  if (spec.uses === undefined || tool === undefined) return [];
  return tool.failure === undefined ? [tool.result] : [tool.result, tool.failure];
}

export function checkAgentTool(m: AgentManifest): AgentToolProblem[] {
  const spec = m.spec;
  const tool = spec.tool;
  if (spec.uses !== 'mcp-tool' || tool === undefined) return [];
  const out: AgentToolProblem[] = [];
  for (const p of checkTemplateArguments(tool.arguments ?? {}))
    out.push({
      code: DiagnosticCode.InvalidTemplate,
      path: ['spec', 'tool', 'arguments', ...p.at],
      message: p.message,
      ...(p.hint === undefined ? {} : { hint: p.hint }),
    });
  const handlerTimeout = spec.timeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;
  if (tool.timeoutMs !== undefined && tool.timeoutMs > handlerTimeout)
    out.push({
      code: DiagnosticCode.OutOfRange,
      path: ['spec', 'tool', 'timeoutMs'],
      message: `must be <= spec.timeoutMs (${handlerTimeout}), got ${tool.timeoutMs}`,
      hint: 'the handler timeout would abort the call first; raise spec.timeoutMs too',
    });
  if (tool.failure !== undefined && tool.failure === tool.result)
    out.push({
      code: DiagnosticCode.InvalidValue,
      path: ['spec', 'tool', 'failure'],
      message: `must differ from spec.tool.result ('${tool.result}')`,
      hint: 'consumers tell a result from a failure by its type',
    });
  if (spec.emits !== undefined) {
    const emitted = toolEmits(spec);
    for (const field of ['result', 'failure'] as const) {
      const type = tool[field];
      if (type !== undefined && !spec.emits.includes(type))
        out.push({
          code: DiagnosticCode.InvalidValue,
          path: ['spec', 'tool', field],
          message: `'${type}' is not listed in spec.emits`,
          hint: 'add it to spec.emits, or leave spec.emits out (it defaults to the tool types)',
        });
    }
    spec.emits.forEach((type, i) => {
      if (!emitted.includes(type))
        out.push({
          code: DiagnosticCode.InvalidValue,
          path: ['spec', 'emits', i],
          message: `an mcp-tool agent emits only spec.tool.result and spec.tool.failure, not '${type}'`,
          hint: `emits: [${emitted.join(', ')}]`,
        });
    });
  }
  return out;
}
