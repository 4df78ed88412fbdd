// Built-in handlers: what an Agent with `spec.uses` runs instead of a handler module. Each is a
// plain handler module in this directory, so it runs in the Piscina workers like any handler
// (timeout, retry, breaker and DLQ apply unchanged); the runtime hands it its configuration as
// ctx.config (docs/decisions/0009-zero-code-mcp-tool-agent.md).
import { fileURLToPath } from 'node:url';
import { toolEmits, type AgentManifest, type AgentUses } from '@troupe/core';

// Sources in the workspace (`.ts` through tsx), compiled `.js` once published.
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** Absolute path of the module that implements `uses`. */
export function builtinHandlerPath(uses: AgentUses): string {
  return fileURLToPath(new URL(`./${uses}${EXT}`, import.meta.url));
}

/** What a built-in agent's handler receives as ctx.config, and the types it may emit. */
export function builtinAgent(spec: AgentManifest['spec']): {
  config: Readonly<Record<string, unknown>>;
  emits: readonly string[];
} {
  return { config: { tool: spec.tool }, emits: spec.emits ?? toolEmits(spec) };
}
