// Validating tool arguments against a Tool manifest's JSON Schema (ajv, compiled once per schema
// text). Problems name the field the way a person (or a model) fixes it: `question is required`,
// `limit must be <= 100`, rather than ajv's `/limit` pointers and bare keywords.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from '@troupe/core';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** `/a/0/b` → `a[0].b`; the empty pointer is the arguments object itself. */
export function fieldOf(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function join(parent: string, child: string): string {
  return parent ? `${parent}.${child}` : child;
}

/** One ajv error as `field message`. */
export function describeError(e: ErrorObject): string {
  const at = fieldOf(e.instancePath);
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required' && typeof params.missingProperty === 'string')
    return `${join(at, params.missingProperty)} is required`;
  if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string')
    return `${join(at, params.additionalProperty)} is not allowed (unknown field)`;
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues))
    return `${at || 'arguments'} must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${at || 'arguments'} ${e.message ?? 'is invalid'}`;
}

/** Compiles and caches validators of tool input schemas. */
export class InputValidator {
  readonly #ajv = new Ajv({ allErrors: true, strict: false });
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.#ajv);
  }

  /** Problems of `args` against `schema`; empty when valid. A schema ajv refuses is a problem too. */
  problems(schema: JsonSchema, args: unknown): string[] {
    const key = JSON.stringify(schema);
    let validate = this.#compiled.get(key);
    if (!validate) {
      try {
        validate = this.#ajv.compile(schema);
      } catch (err) {
        return [`the tool's input schema cannot be compiled: ${(err as Error).message}`];
      }
      this.#compiled.set(key, validate);
    }
    if (validate(args)) return [];
    return (validate.errors ?? []).map(describeError);
  }
}
