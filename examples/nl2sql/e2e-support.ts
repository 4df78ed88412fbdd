// Shared pieces of the nl2sql end-to-end tests and benchmark: the real `agentctl` binary, the
// system's manifests loaded (optionally with the `llm` Connection pointed at another server),
// an in-process runtime on either transport, and the hand-written answer to the demo question.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqlConnection } from '@troupe/adapters';
import { validateManifests } from '@troupe/core';
import type { AgentManifest, CloudEvent, ConnectionManifest, LoadedManifest } from '@troupe/core';
import { createMemoryTransport, createRedisTransport, createRuntime } from '@troupe/runtime';
import type { Runtime, WorkspaceTarget } from '@troupe/runtime';
import { DEFAULT_SQLITE_PATH } from './generate.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const AGENTCTL = resolve(ROOT, 'packages/cli/bin/agentctl.mjs');
export const MANIFEST = resolve(ROOT, 'manifests/nl2sql.yaml');
export const OUTCOMES = [
  'ResultsRendered',
  'QueryError',
  'SQLGenerationError',
  'ClarificationRequested',
];

/** Hand-written answer to "total sales by region last quarter" (2026-04-01 … 2026-06-30). */
export const DEMO_SQL = `SELECT r.name AS region,
  ROUND(SUM(l.quantity * l.unit_price * (1 - l.discount)), 2) AS revenue
FROM order_lines l JOIN orders o ON o.id = l.order_id
JOIN customers c ON c.id = o.customer_id JOIN regions r ON r.id = c.region_id
WHERE o.order_date >= '2026-04-01' AND o.order_date <= '2026-06-30'
GROUP BY r.name ORDER BY revenue DESC`;

/** Rows of trusted SQL over the sample database (read-only handle). */
export async function trustedRows(sql: string): Promise<Record<string, unknown>[]> {
  const db = createSqlConnection({
    type: 'sql',
    client: 'sqlite',
    connection: { filename: DEFAULT_SQLITE_PATH },
    readOnly: true,
  });
  try {
    // The trusted knex (no guard): this SQL is the test's, not a model's.
    return await db.raw.raw<Record<string, unknown>[]>(sql);
  } finally {
    await db.close();
  }
}

/** SHA-256 of the sample database file: equal before and after means untouched. */
export function databaseDigest(): string {
  return createHash('sha256').update(readFileSync(DEFAULT_SQLITE_PATH)).digest('hex');
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real agentctl binary from the repository root. */
export function agentctl(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [AGENTCTL, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * The system's manifests; `llmBaseUrl` re-points the `llm` Connection (e.g. a fake server),
 * `reportsDir` the ui-renderer's report directory.
 */
export async function loadSystem(
  llmBaseUrl?: string,
  reportsDir?: string,
): Promise<LoadedManifest[]> {
  const result = await validateManifests([MANIFEST]);
  if (!result.ok)
    throw new Error(`manifests/nl2sql.yaml is invalid: ${JSON.stringify(result.diagnostics)}`);
  return result.set.manifests.map((m) => {
    if (
      reportsDir !== undefined &&
      m.manifest.kind === 'Agent' &&
      m.manifest.metadata.name === 'ui-renderer'
    ) {
      const a = m as LoadedManifest<AgentManifest>;
      const spec = { ...a.manifest.spec, config: { ...a.manifest.spec.config, reportsDir } };
      return { ...a, manifest: { ...a.manifest, spec } };
    }
    if (
      llmBaseUrl === undefined ||
      m.manifest.kind !== 'Connection' ||
      m.manifest.metadata.name !== 'llm'
    )
      return m;
    const c = m as LoadedManifest<ConnectionManifest>;
    return {
      ...c,
      manifest: {
        ...c.manifest,
        spec: { type: 'llm', baseUrl: llmBaseUrl, model: 'fake-sql-model' },
      },
    };
  });
}

export interface SystemOptions {
  llmBaseUrl?: string;
  /** Redis transport (and workspace) under `namespace`; default the in-memory transport. */
  redis?: { url: string; namespace: string };
  threads?: number;
  /** ui-renderer's report directory. Default: the manifest's (`.troupe/reports`). */
  reportsDir?: string;
}

/** An in-process runtime with the nl2sql system applied; `seen` records every event in order. */
export async function startSystem(
  options: SystemOptions = {},
): Promise<{ runtime: Runtime; seen: CloudEvent[] }> {
  const transport =
    options.redis === undefined
      ? createMemoryTransport()
      : await createRedisTransport({ url: options.redis.url, namespace: options.redis.namespace });
  const workspace: WorkspaceTarget | undefined =
    options.redis === undefined ? undefined : { kind: 'redis', ...options.redis };
  const runtime = createRuntime({
    transport,
    nodeId: 'nl2sql-e2e',
    options: {
      pool: { threads: options.threads ?? 2 },
      fetchBlockMs: 50,
      ...(workspace === undefined ? {} : { workspace }),
    },
  });
  const seen: CloudEvent[] = [];
  const types = [
    'QueryReceived',
    'SQLGenerated',
    'SQLRepairRequested',
    'QuerySuccess',
    'ResultsReady',
    ...OUTCOMES,
  ];
  await transport.observe(types, (e) => seen.push(e));
  await runtime.apply(await loadSystem(options.llmBaseUrl, options.reportsDir));
  return { runtime, seen };
}
