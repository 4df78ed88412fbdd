// The Troupe MCP server: one low-level SDK `Server` per client connection (stdio, or one
// Streamable HTTP session), over a backend. The low-level server is used on purpose: Tool
// manifests carry JSON Schema, which `McpServer.registerTool` (zod only in SDK v1) cannot take.
// Tools: the built-ins plus one per applied `Tool` manifest; resources: manifests, the topology
// and traces. When the applied manifests change, the client gets `list_changed` for both.
import { isTroupeError, ErrorCode as TroupeCode } from '@troupe/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpBackend } from './backend.js';
import { BUILTIN_TOOLS, callBuiltinTool, isBuiltinTool } from './builtin-tools.js';
import { callDeclaredTool, declaredTools, toolDefinition } from './declared-tools.js';
import { InputValidator } from './input-validation.js';
import { listResources, readResource, RESOURCE_TEMPLATES } from './resources.js';

/** Name the server reports in `initialize`. */
export const MCP_SERVER_NAME = 'troupe';

export interface McpServerOptions {
  /** Version reported in `initialize`. Default `0.1.0`. */
  version?: string;
  /** Root that `validate_manifest` places manifest text in. Default `process.cwd()`. */
  projectRoot?: string;
  /** Shared argument validator (compiled schemas are cached in it). Default: a new one. */
  validator?: InputValidator;
}

const INSTRUCTIONS = `Troupe runs choreographed multi-agent systems: agents react to events and emit events.
Declared tools publish an event and return the workflow's outcome; errors name the correlation id,
which get_trace explains. Built-ins inspect agents, the topology, dead letters and the workspace.`;

/** A server for one client connection; connect it to a transport. Closing it unsubscribes. */
export function createMcpServer(backend: McpBackend, options: McpServerOptions = {}): Server {
  const validator = options.validator ?? new InputValidator();
  const projectRoot = options.projectRoot ?? process.cwd();
  const server = new Server(
    { name: MCP_SERVER_NAME, version: options.version ?? '0.1.0' },
    {
      capabilities: { tools: { listChanged: true }, resources: { listChanged: true } },
      instructions: INSTRUCTIONS,
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = [...declaredTools(await backend.manifests()).values()].map((m) =>
      toolDefinition(m.manifest),
    );
    return { tools: [...BUILTIN_TOOLS.map((b) => b.definition), ...tools] };
  });

  server.setRequestHandler(
    CallToolRequestSchema,
    async (request, extra): Promise<CallToolResult> => {
      const { name } = request.params;
      const args = request.params.arguments ?? {};
      if (isBuiltinTool(name))
        return callBuiltinTool(name, args, { backend, projectRoot }, validator);
      const tool = declaredTools(await backend.manifests()).get(name);
      if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
      const progressToken = request.params._meta?.progressToken;
      return callDeclaredTool(backend, tool.manifest, args, validator, {
        signal: extra.signal,
        ...(progressToken === undefined
          ? {}
          : {
              sendProgress: (progress: number, message: string) =>
                extra.sendNotification({
                  method: 'notifications/progress',
                  params: { progressToken, progress, message },
                }),
            }),
      });
    },
  );

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: await listResources(backend),
  }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [...RESOURCE_TEMPLATES],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    try {
      return await readResource(backend, request.params.uri);
    } catch (err) {
      // Resource errors are protocol errors; "not found" has its own MCP code.
      if (isTroupeError(err) && err.code === TroupeCode.NotFound)
        throw new McpError(-32002, err.message, { uri: request.params.uri });
      throw err;
    }
  });

  const unsubscribe = backend.onManifestsChanged(() => {
    // Only a connected server can notify; a failed send (client gone) is not our problem.
    if (!server.transport) return;
    void server.sendToolListChanged().catch(() => {});
    void server.sendResourceListChanged().catch(() => {});
  });
  const previous = server.onclose;
  server.onclose = () => {
    unsubscribe();
    previous?.();
  };
  return server;
}
