// Schema validation of one document: apiVersion and kind first (with "did you mean"), then the
// kind's own definition, so a mistake in one kind never yields errors from every other kind.
// ajv's errors are turned into human diagnostics: a message without jargon (`must be >= 1`),
// the dotted path, the most specific source position and a hint.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from './ajv-instance.js';
import { DiagnosticCode } from './diagnostic-codes.js';
import { didYouMean } from './did-you-mean.js';
import { formatPath, pointerToSegments } from './paths.js';
import {
  DNS_LABEL_PATTERN,
  TOOL_NAME_PATTERN,
  ENV_REF_PATTERN,
  EVENT_TYPE_PATTERN,
  manifestSchema,
} from './schema.js';
import { API_VERSION, MANIFEST_KINDS, type Diagnostic, type ManifestKind } from './types.js';
import { locatePath, type PathSegment, type SourceDocument } from './yaml-source.js';

// Compiled once, on first use rather than at import: every worker thread imports @troupe/core
// for defineAgent and the error types, and must not pay for compiling the manifest schema.
let ajv: ReturnType<typeof createAjv> | undefined;

function compiled(ref: string): ValidateFunction {
  if (ajv === undefined) {
    ajv = createAjv({ strict: true, discriminator: true, verbose: true });
    ajv.addSchema(manifestSchema);
  }
  const fn = ajv.getSchema(ref);
  if (fn === undefined) throw new Error(`manifest schema has no ${ref}`);
  return fn;
}

/** The whole-document validator (all kinds), compiled on first call and cached by ajv. */
export function manifestDocumentValidator(): ValidateFunction {
  return compiled(manifestSchema.$id);
}

function kindValidator(kind: ManifestKind): ValidateFunction {
  return compiled(`${manifestSchema.$id}#/definitions/${kind}`);
}

const PATTERN_TEXT: Record<string, string> = {
  [DNS_LABEL_PATTERN]:
    "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit",
  [EVENT_TYPE_PATTERN]:
    "must be an event type name: a letter, then letters, digits, '_', '.' or '-'",
  [ENV_REF_PATTERN]: 'must be an environment reference env:NAME',
  [TOOL_NAME_PATTERN]:
    "must be a tool name: a lowercase letter, then lowercase letters, digits, '_' or '-'",
};

type Schemaish = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return typeof value;
}

function typeName(t: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'a boolean (true or false)',
    null: 'null',
  };
  return t
    .split(',')
    .map((x) => names[x] ?? x)
    .join(' or ');
}

function quoteList(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
}

interface Translated {
  code: string;
  path: PathSegment[];
  target: 'value' | 'key' | 'parent';
  message: string;
  hint?: string;
}

function translate(e: ErrorObject, root: unknown): Translated | undefined {
  const base = pointerToSegments(e.instancePath, root);
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Schemaish;
  const isName = formatPath(base) === 'metadata.name';
  switch (e.keyword) {
    case 'required': {
      const field = String(params.missingProperty);
      const prop = (parent.properties as Record<string, Schemaish> | undefined)?.[field];
      const description = typeof prop?.description === 'string' ? prop.description : undefined;
      return {
        code: DiagnosticCode.MissingField,
        path: [...base, field],
        target: 'parent',
        message: `missing required field '${field}'`,
        ...(description === undefined ? {} : { hint: `${field}: ${description}` }),
      };
    }
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const allowed = Object.keys((parent.properties as Schemaish | undefined) ?? {});
      return {
        code: DiagnosticCode.UnknownField,
        path: [...base, field],
        target: 'key',
        message: `unknown field '${field}'`,
        hint: didYouMean(field, allowed) ?? `allowed fields: ${allowed.join(', ')}`,
      };
    }
    case 'type':
      return {
        code: DiagnosticCode.WrongType,
        path: base,
        target: 'value',
        message: `must be ${typeName(String(params.type))}, got ${describe(e.data)}`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        code: DiagnosticCode.OutOfRange,
        path: base,
        target: 'value',
        message: `must be ${String(params.comparison)} ${String(params.limit)}, got ${describe(e.data)}`,
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const hint =
        typeof e.data === 'string'
          ? didYouMean(
              e.data,
              allowed.filter((v): v is string => typeof v === 'string'),
            )
          : undefined;
      return {
        code: DiagnosticCode.InvalidValue,
        path: base,
        target: 'value',
        message: `must be one of ${quoteList(allowed)}, got ${describe(e.data)}`,
        ...(hint === undefined ? {} : { hint }),
      };
    }
    case 'const':
      return {
        code: DiagnosticCode.InvalidValue,
        path: base,
        target: 'value',
        message: `must be ${quoteList([params.allowedValue])}, got ${describe(e.data)}`,
      };
    case 'pattern':
      return {
        code: isName ? DiagnosticCode.InvalidName : DiagnosticCode.InvalidValue,
        path: base,
        target: 'value',
        message: `${PATTERN_TEXT[String(params.pattern)] ?? `must match ${String(params.pattern)}`}, got ${describe(e.data)}`,
      };
    case 'maxLength':
    case 'minLength': {
      const limit = Number(params.limit);
      const message =
        e.keyword === 'minLength' && limit === 1
          ? 'must not be empty'
          : `must be at ${e.keyword === 'minLength' ? 'least' : 'most'} ${limit} characters long`;
      return {
        code: isName ? DiagnosticCode.InvalidName : DiagnosticCode.InvalidValue,
        path: base,
        target: 'value',
        message,
      };
    }
    case 'minItems':
    case 'maxItems': {
      const limit = Number(params.limit);
      return {
        code: DiagnosticCode.InvalidValue,
        path: base,
        target: 'value',
        message: `must have at ${e.keyword === 'minItems' ? 'least' : 'most'} ${limit} item${limit === 1 ? '' : 's'}`,
      };
    }
    case 'uniqueItems': {
      const j = Number(params.j);
      const i = Number(params.i);
      const items = Array.isArray(e.data) ? e.data : [];
      return {
        code: DiagnosticCode.InvalidValue,
        path: [...base, i],
        target: 'value',
        message: `duplicate item ${describe(items[i])} (also at [${j}])`,
        hint: 'list each value once',
      };
    }
    case 'format':
      return {
        code: DiagnosticCode.InvalidValue,
        path: base,
        target: 'value',
        message: `must be a valid ${String(params.format)}, got ${describe(e.data)}`,
      };
    case 'propertyNames':
      return {
        code: DiagnosticCode.InvalidValue,
        path: [...base, String(params.propertyName)],
        target: 'key',
        message: `invalid key '${String(params.propertyName)}'`,
        hint: "keys use letters, digits, '-', '_', '.', '/'",
      };
    case 'not': {
      // Our schema uses `not` only to forbid one field, with the reason as its description.
      const not = (e.schema ?? {}) as Schemaish;
      const field = Array.isArray(not.required) ? String(not.required[0]) : undefined;
      if (field === undefined)
        return {
          code: DiagnosticCode.InvalidValue,
          path: base,
          target: 'value',
          message: 'is not allowed here',
        };
      return {
        code: DiagnosticCode.ConflictingField,
        path: [...base, field],
        target: 'key',
        message:
          typeof not.description === 'string' ? not.description : `'${field}' is not allowed here`,
      };
    }
    // Wrappers whose inner errors carry the detail.
    case 'if':
    case 'oneOf':
    case 'discriminator':
      return undefined;
    default:
      return {
        code: DiagnosticCode.InvalidValue,
        path: base,
        target: 'value',
        message: e.message ?? `fails ${e.keyword}`,
      };
  }
}

function diagnostic(entry: SourceDocument, t: Translated): Diagnostic {
  return {
    severity: 'error',
    code: t.code,
    message: t.message,
    path: formatPath(t.path),
    location: locatePath(entry, t.path, t.target),
    ...(t.hint === undefined ? {} : { hint: t.hint }),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Validate one parsed document against the manifest schema; empty when valid. */
export function validateDocumentSchema(entry: SourceDocument): Diagnostic[] {
  const value = entry.value;
  if (!isRecord(value)) {
    return [
      {
        severity: 'error',
        code: DiagnosticCode.NotAMapping,
        message: `a manifest document must be a mapping, got ${describe(value)}`,
        path: '',
        location: entry.location,
        hint: 'start the document with apiVersion, kind, metadata and spec',
      },
    ];
  }
  const head: Translated[] = [];
  if (!('apiVersion' in value)) {
    head.push({
      code: DiagnosticCode.MissingField,
      path: ['apiVersion'],
      target: 'parent',
      message: "missing required field 'apiVersion'",
      hint: `apiVersion: ${API_VERSION}`,
    });
  } else if (value.apiVersion !== API_VERSION) {
    head.push({
      code: DiagnosticCode.UnknownApiVersion,
      path: ['apiVersion'],
      target: 'value',
      message: `unknown apiVersion ${describe(value.apiVersion)}`,
      hint: `use '${API_VERSION}'`,
    });
  }
  const kind = value.kind;
  if (!('kind' in value)) {
    head.push({
      code: DiagnosticCode.MissingField,
      path: ['kind'],
      target: 'parent',
      message: "missing required field 'kind'",
      hint: `one of ${MANIFEST_KINDS.join(', ')}`,
    });
  } else if (typeof kind !== 'string' || !(MANIFEST_KINDS as readonly string[]).includes(kind)) {
    head.push({
      code: DiagnosticCode.UnknownKind,
      path: ['kind'],
      target: 'value',
      message: `unknown kind ${describe(kind)}`,
      hint:
        (typeof kind === 'string' ? didYouMean(kind, MANIFEST_KINDS) : undefined) ??
        `one of ${MANIFEST_KINDS.join(', ')}`,
    });
  }
  const out = head.map((t) => diagnostic(entry, t));
  const validate =
    typeof kind === 'string' && (MANIFEST_KINDS as readonly string[]).includes(kind)
      ? kindValidator(kind as ManifestKind)
      : undefined;
  if (validate === undefined) return out;
  if (validate(value)) return out;
  const seen = new Set<string>();
  for (const err of validate.errors ?? []) {
    // apiVersion was reported above; errors on a key name come through `propertyNames`.
    if (err.instancePath === '/apiVersion' || err.propertyName !== undefined) continue;
    if (
      err.keyword === 'required' &&
      err.instancePath === '' &&
      err.params.missingProperty === 'apiVersion'
    )
      continue;
    const t = translate(err, value);
    if (t === undefined) continue;
    const d = diagnostic(entry, t);
    const key = `${d.code}\u0000${d.path}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return dropMissingExplainedByTypo(out);
}

/**
 * `subscrbe: […]` yields both "unknown field 'subscrbe'" and "missing required field
 * 'subscribe'": one mistake, so the missing-field line goes when a typo explains it.
 */
function dropMissingExplainedByTypo(diagnostics: Diagnostic[]): Diagnostic[] {
  const explained = new Set<string>();
  for (const d of diagnostics) {
    const m =
      d.code === DiagnosticCode.UnknownField ? /did you mean '([^']+)'/.exec(d.hint ?? '') : null;
    if (m === null) continue;
    const parent = d.path.includes('.') ? d.path.slice(0, d.path.lastIndexOf('.') + 1) : '';
    explained.add(`${parent}${m[1]!}`);
  }
  return diagnostics.filter(
    (d) => d.code !== DiagnosticCode.MissingField || !explained.has(d.path),
  );
}
