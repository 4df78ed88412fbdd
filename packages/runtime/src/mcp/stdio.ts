// The MCP server on stdio (`agentctl mcp`): stdout carries nothing but protocol messages. The
// protocol keeps the stream's original `write`, and `process.stdout.write` is pointed at
// stderr for the life of the server, so a stray `console.log` (ours, a library's, or a handler's
// in a worker thread, whose output Node pipes into `process.stdout`) cannot corrupt it.
import { Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpBackend } from './backend.js';
import { createMcpServer, type McpServerOptions } from './server.js';

export interface StdioServing {
  /** Resolves when the client disconnects (stdin ends) or `close()` is called. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** The protocol's writer: the real stdout, reached through its original `write`. */
function protocolStdout(originalWrite: typeof process.stdout.write): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      originalWrite(chunk, (err) => callback(err ?? null));
    },
  });
}

/** Serve `backend` over this process's stdin/stdout until the client goes away. */
export async function serveMcpStdio(
  backend: McpBackend,
  options: McpServerOptions = {},
): Promise<StdioServing> {
  const originalWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr);
  const server = createMcpServer(backend, options);
  const transport = new StdioServerTransport(process.stdin, protocolStdout(originalWrite));
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const finish = (): void => {
    process.stdout.write = originalWrite;
    resolveClosed();
  };
  server.onclose = ((previous) => () => {
    previous?.();
    finish();
  })(server.onclose);
  // The SDK transport does not notice stdin's end by itself.
  process.stdin.once('end', () => void server.close());
  await server.connect(transport);
  return {
    closed,
    async close() {
      await server.close();
      finish();
    },
  };
}
