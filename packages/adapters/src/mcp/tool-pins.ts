// Pinning external MCP tools against "rug pulls". A tool's description and input schema are
// text that steers the model (and thus what the agent does), written by whoever runs the
// server. At first sight the adapter records a hash of name + input schema + description (trust
// on first use); when a later listing differs, calls to that tool are refused (MCP_TOOL_CHANGED)
// until someone approves the new version. Pins live in a JSON file (default
// `.troupe/mcp-pins.json`, shared by threads and processes) or in memory.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The parts of a tool listing that are pinned. */
export interface PinnedToolShape {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: unknown;
}

/** JSON with object keys sorted, so equal schemas hash equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `sha256:<hex>` of the tool's name, input schema and description. */
export function toolHash(tool: PinnedToolShape): string {
  const text = canonicalJson({
    name: tool.name,
    inputSchema: tool.inputSchema ?? null,
    description: tool.description ?? '',
  });
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** Where pins are kept. Keys are (connection, tool); values are `toolHash` strings. */
export interface ToolPinStore {
  get(connection: string, tool: string): Promise<string | undefined>;
  set(connection: string, tool: string, hash: string): Promise<void>;
  /** Every pin of one connection, by tool name. */
  list(connection: string): Promise<Record<string, string>>;
}

/** Pins for this process only (tests, ephemeral runs). */
export function createMemoryPinStore(): ToolPinStore {
  const pins = new Map<string, Map<string, string>>();
  const of = (c: string): Map<string, string> => {
    let m = pins.get(c);
    if (!m) pins.set(c, (m = new Map<string, string>()));
    return m;
  };
  return {
    get: (c, t) => Promise.resolve(of(c).get(t)),
    set: (c, t, h) => Promise.resolve(void of(c).set(t, h)),
    list: (c) => Promise.resolve(Object.fromEntries(of(c))),
  };
}

/** Default pin file, relative to the working directory. */
export const DEFAULT_PIN_FILE = '.troupe/mcp-pins.json';

type PinFile = { version: 1; pins: Record<string, Record<string, string>> };

/**
 * Pins in a JSON file (`{ version: 1, pins: { <connection>: { <tool>: <hash> } } }`). Every
 * read goes to the file, so an approval written by another process is seen at once; writes are
 * read-modify-write then an atomic rename. Two writers racing on first use write the same hash.
 */
export function createFilePinStore(file: string = DEFAULT_PIN_FILE): ToolPinStore {
  const absolute = path.resolve(file);
  let writing: Promise<void> = Promise.resolve();
  async function load(): Promise<PinFile> {
    try {
      const parsed = JSON.parse(await readFile(absolute, 'utf8')) as Partial<PinFile>;
      return { version: 1, pins: parsed.pins ?? {} };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, pins: {} };
      throw err;
    }
  }
  return {
    async get(c, t) {
      return (await load()).pins[c]?.[t];
    },
    async list(c) {
      return { ...(await load()).pins[c] };
    },
    set(c, t, h) {
      const next = writing.then(async () => {
        const data = await load();
        data.pins[c] = { ...data.pins[c], [t]: h };
        await mkdir(path.dirname(absolute), { recursive: true });
        const tmp = `${absolute}.${process.pid}.${Date.now()}.tmp`;
        await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`, 'utf8');
        await rename(tmp, absolute);
      });
      writing = next.catch(() => {});
      return next;
    },
  };
}
