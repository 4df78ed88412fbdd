// Checks of one schema-valid document that JSON Schema cannot express: `where` paths, embedded
// JSON Schemas (compiled with ajv), secrets only as env:NAME, handler and file paths inside the
// project root, and a few cross-field rules (saga step names, quorum vs collect, a built-in
// agent's tool: agent-tool-checks.ts).
import { checkAgentTool } from './agent-tool-checks.js';
import { createAjv } from './ajv-instance.js';
import { DiagnosticCode } from './diagnostic-codes.js';
import { didYouMean } from './did-you-mean.js';
import { EVENT_ROOTS, PATH_SEGMENT } from './event-paths.js';
import { formatPath, pointerToSegments } from './paths.js';
import { resolveInsideRoot } from './project-root.js';
import { ENV_REF_PATTERN } from './schema.js';
import type {
  AgentManifest,
  AggregatorManifest,
  ConnectionManifest,
  Diagnostic,
  JsonSchema,
  Manifest,
  SagaManifest,
} from './types.js';
import { locatePath, type PathSegment, type SourceDocument } from './yaml-source.js';

/** Envelope attributes a `where` path may start with (DESIGN.md §2). */
export const WHERE_ROOTS = EVENT_ROOTS;

const WHERE_SEGMENT = PATH_SEGMENT;
const ENV_REF = new RegExp(ENV_REF_PATTERN);
/** `Bearer env:TOKEN` is fine in a header. */
const HEADER_REF = /^(?:[A-Za-z]+ )?env:[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_NAME = /(authorization|api[-_]?key|token|secret|password|passwd|cookie|credential)/i;

// Embedded schemas: strict on keywords (a typo like `requird` is an error) but tolerant of the
// type-inference rules that strict mode would otherwise impose on hand-written schemas.
const userAjv = createAjv({
  strict: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  validateSchema: true,
  addUsedSchema: false,
  verbose: true,
});

interface Ctx {
  entry: SourceDocument;
  out: Diagnostic[];
}

function report(
  ctx: Ctx,
  code: string,
  path: readonly PathSegment[],
  message: string,
  hint?: string,
  target: 'value' | 'key' = 'value',
): void {
  ctx.out.push({
    severity: 'error',
    code,
    message,
    path: formatPath(path),
    location: locatePath(ctx.entry, path, target),
    ...(hint === undefined ? {} : { hint }),
  });
}

function checkWherePaths(ctx: Ctx, m: AgentManifest): void {
  m.spec.subscribe.forEach((sub, i) => {
    for (const key of Object.keys(sub.where ?? {})) {
      const parts = key.split('.');
      const head = parts[0] ?? '';
      const path = ['spec', 'subscribe', i, 'where', key];
      if (!(WHERE_ROOTS as readonly string[]).includes(head)) {
        report(
          ctx,
          DiagnosticCode.InvalidWherePath,
          path,
          `where path '${key}' must start at the event root (${WHERE_ROOTS.slice(0, 4).join(', ')}, …)`,
          didYouMean(head, WHERE_ROOTS) ?? "payload fields live under 'data', e.g. data.dialect",
          'key',
        );
      } else if (parts.slice(1).some((p) => !WHERE_SEGMENT.test(p))) {
        report(
          ctx,
          DiagnosticCode.InvalidWherePath,
          path,
          `where path '${key}' has an empty or invalid segment`,
          "segments are letters, digits, '_' or '-', joined by single dots",
          'key',
        );
      }
    }
  });
}

const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

/** One problem in an embedded JSON Schema; `pointer` is inside the schema. */
export interface SchemaProblem {
  pointer: string;
  message: string;
  hint?: string;
}

function metaProblem(pointer: string, data: unknown, message: string | undefined): SchemaProblem {
  if (pointer.endsWith('/type') && typeof data === 'string') {
    const hint = didYouMean(data, JSON_TYPES);
    return {
      pointer,
      message: `not a valid JSON Schema: unknown type '${data}'`,
      hint: hint ?? `types: ${JSON_TYPES.join(', ')}`,
    };
  }
  return {
    pointer,
    message: `not a valid JSON Schema: ${pointer === '' ? 'the schema' : pointer} ${message ?? 'is invalid'}`,
  };
}

/** Compile a user-written JSON Schema; report where it is wrong. */
export function checkJsonSchema(schema: JsonSchema): SchemaProblem[] {
  if (!userAjv.validateSchema(schema)) {
    // The meta-schema reports one problem several ways (enum, type, anyOf): keep the first per place.
    const seen = new Set<string>();
    const out: SchemaProblem[] = [];
    for (const e of userAjv.errors ?? []) {
      if (seen.has(e.instancePath) || e.keyword === 'anyOf') continue;
      seen.add(e.instancePath);
      out.push(metaProblem(e.instancePath, e.data, e.message));
    }
    return out;
  }
  try {
    userAjv.compile(schema);
    return [];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return [
      { pointer: '', message: `not a valid JSON Schema: ${message.replace(/^strict mode: /, '')}` },
    ];
  } finally {
    userAjv.removeSchema(schema);
  }
}

function checkEmbeddedSchema(
  ctx: Ctx,
  schema: JsonSchema,
  at: PathSegment[],
  mustBeObject: boolean,
): void {
  for (const problem of checkJsonSchema(schema)) {
    const path = [...at, ...pointerToSegments(problem.pointer, schema)];
    report(
      ctx,
      DiagnosticCode.InvalidJsonSchema,
      path,
      problem.message,
      problem.hint ?? 'see https://json-schema.org (draft-07)',
    );
  }
  if (mustBeObject && schema.type !== 'object') {
    report(
      ctx,
      DiagnosticCode.InvalidJsonSchema,
      [...at, 'type'],
      "a tool's input schema must have type: object",
      'MCP tool arguments are always an object',
    );
  }
}

function checkUrlCredentials(ctx: Ctx, url: string, path: PathSegment[]): void {
  if (ENV_REF.test(url)) return;
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@:]*:[^/@]+@/i.test(url)) {
    report(
      ctx,
      DiagnosticCode.SecretLiteral,
      path,
      'the connection URL contains a literal password',
      'write the whole URL as env:NAME and set it in the environment',
    );
  }
}

function checkConnection(ctx: Ctx, m: ConnectionManifest, file: string, root: string): void {
  const spec = m.spec;
  if (spec.type === 'llm') {
    if (spec.apiKey !== undefined && !ENV_REF.test(spec.apiKey)) {
      report(
        ctx,
        DiagnosticCode.SecretLiteral,
        ['spec', 'apiKey'],
        'apiKey must be an environment reference env:NAME, not a literal secret',
        'e.g. apiKey: env:OPENAI_API_KEY',
      );
    }
    return;
  }
  if (spec.type === 'mcp') {
    for (const [name, value] of Object.entries(spec.headers ?? {})) {
      if (SECRET_NAME.test(name) && !HEADER_REF.test(value)) {
        report(
          ctx,
          DiagnosticCode.SecretLiteral,
          ['spec', 'headers', name],
          `header '${name}' holds a literal secret`,
          `write it as env:NAME (or 'Bearer env:NAME')`,
        );
      }
    }
    for (const [name, value] of Object.entries(spec.env ?? {})) {
      if (SECRET_NAME.test(name) && !ENV_REF.test(value)) {
        report(
          ctx,
          DiagnosticCode.SecretLiteral,
          ['spec', 'env', name],
          `environment variable '${name}' holds a literal secret`,
          'write it as env:NAME to pass it through from the environment',
        );
      }
    }
    if (spec.url !== undefined) checkUrlCredentials(ctx, spec.url, ['spec', 'url']);
    return;
  }
  const conn = spec.connection;
  if (typeof conn === 'string') {
    checkUrlCredentials(ctx, conn, ['spec', 'connection']);
    return;
  }
  for (const [key, value] of Object.entries(conn)) {
    if (typeof value !== 'string') continue;
    if (SECRET_NAME.test(key) && !ENV_REF.test(value)) {
      report(
        ctx,
        DiagnosticCode.SecretLiteral,
        ['spec', 'connection', key],
        `connection.${key} holds a literal secret`,
        `write it as env:NAME, e.g. ${key}: env:DB_PASSWORD`,
      );
    }
    if (key === 'connectionString') checkUrlCredentials(ctx, value, ['spec', 'connection', key]);
  }
  const filename = conn.filename;
  if (typeof filename === 'string' && filename !== ':memory:' && !filename.startsWith('env:')) {
    const r = resolveInsideRoot(file, filename, root, false);
    if (!r.ok && r.reason === 'escapes-root') {
      report(
        ctx,
        DiagnosticCode.PathEscapesRoot,
        ['spec', 'connection', 'filename'],
        `'${filename}' resolves outside the project root ${root}`,
        'files must stay inside the directory holding the nearest package.json',
      );
    }
  }
}

function checkSaga(ctx: Ctx, m: SagaManifest): void {
  const seen = new Map<string, number>();
  m.spec.steps.forEach((step, i) => {
    const first = seen.get(step.name);
    if (first !== undefined) {
      report(
        ctx,
        DiagnosticCode.DuplicateName,
        ['spec', 'steps', i, 'name'],
        `duplicate step name '${step.name}' (also spec.steps[${first}])`,
        'step names must be unique within a saga',
      );
    } else seen.set(step.name, i);
  });
}

function checkAggregator(ctx: Ctx, m: AggregatorManifest): void {
  const q = m.spec.quorum;
  if (q === undefined) return;
  const n = m.spec.collect.length;
  if (q.policy === 'count' && q.count !== undefined && q.count > n) {
    report(
      ctx,
      DiagnosticCode.OutOfRange,
      ['spec', 'quorum', 'count'],
      `must be <= ${n} (the number of collected types), got ${q.count}`,
    );
  }
  for (const type of Object.keys(q.weights ?? {})) {
    if (!m.spec.collect.includes(type)) {
      report(
        ctx,
        DiagnosticCode.InvalidValue,
        ['spec', 'quorum', 'weights', type],
        `weight for '${type}', which is not collected`,
        didYouMean(type, m.spec.collect) ?? `collected: ${m.spec.collect.join(', ')}`,
        'key',
      );
    }
  }
}

/** Result of the checks: diagnostics and, for agents, the resolved handler path. */
export interface DocumentCheckResult {
  diagnostics: Diagnostic[];
  handlerPath?: string;
}

/** Run the semantic checks of one schema-valid document. */
export function checkDocument(
  entry: SourceDocument,
  manifest: Manifest,
  file: string,
  root: string,
): DocumentCheckResult {
  const ctx: Ctx = { entry, out: [] };
  let handlerPath: string | undefined;
  switch (manifest.kind) {
    case 'Agent': {
      checkWherePaths(ctx, manifest);
      for (const p of checkAgentTool(manifest)) report(ctx, p.code, p.path, p.message, p.hint);
      // The schema makes handler and uses exclusive: an agent without a handler uses a built-in.
      if (manifest.spec.handler === undefined) break;
      const r = resolveInsideRoot(file, manifest.spec.handler, root, true);
      if (r.ok) handlerPath = r.absolute;
      else if (r.reason === 'escapes-root')
        report(
          ctx,
          DiagnosticCode.HandlerEscapesRoot,
          ['spec', 'handler'],
          `handler '${manifest.spec.handler}' resolves outside the project root ${root}`,
          'handlers must live inside the directory holding the nearest package.json',
        );
      else
        report(
          ctx,
          DiagnosticCode.HandlerNotFound,
          ['spec', 'handler'],
          `handler '${manifest.spec.handler}' ${r.reason === 'not-found' ? 'does not exist' : 'is not a file'} (${r.absolute})`,
          'the path is relative to this manifest file',
        );
      break;
    }
    case 'EventType':
      if (manifest.spec.schema !== undefined)
        checkEmbeddedSchema(ctx, manifest.spec.schema, ['spec', 'schema'], false);
      break;
    case 'Tool':
      checkEmbeddedSchema(ctx, manifest.spec.input, ['spec', 'input'], true);
      break;
    case 'Connection':
      checkConnection(ctx, manifest, file, root);
      break;
    case 'Saga':
      checkSaga(ctx, manifest);
      break;
    case 'Aggregator':
      checkAggregator(ctx, manifest);
      break;
  }
  return { diagnostics: ctx.out, ...(handlerPath === undefined ? {} : { handlerPath }) };
}
