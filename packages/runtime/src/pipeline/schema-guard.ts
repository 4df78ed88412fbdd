// Payload schemas of EventTypes: each type's `spec.schema` is compiled once (ajv, shared
// instance) and checked before a handler runs; an invalid payload goes to the DLQ (`schema`) at
// once, without retries. The same registry checks events published from outside the system.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  ErrorCode,
  type CloudEvent,
  type EventTypeManifest,
  type JsonSchema,
  type LoadedManifest,
} from '@troupe/core';
import { reject, type Rejection } from './rejection.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface TypeEntry {
  readonly entry: boolean;
  readonly schemaKey?: string;
}

/** The EventTypes of the applied manifests, with their compiled payload validators. */
export class SchemaRegistry {
  readonly #ajv: Ajv;
  #types = new Map<string, TypeEntry>();
  /** Compiled validators by schema text: recompiled only when a schema changes. */
  #compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.#ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.#ajv);
  }

  /** Replace the declared EventTypes; compiles new schemas eagerly so errors show at apply. */
  update(eventTypes: readonly LoadedManifest<EventTypeManifest>[]): void {
    const types = new Map<string, TypeEntry>();
    const compiled = new Map<string, ValidateFunction>();
    for (const { manifest } of eventTypes) {
      const schema: JsonSchema | undefined = manifest.spec.schema;
      const key = schema === undefined ? undefined : JSON.stringify(schema);
      if (schema !== undefined && key !== undefined)
        compiled.set(
          key,
          this.#compiled.get(key) ?? compiled.get(key) ?? this.#ajv.compile(schema),
        );
      types.set(manifest.metadata.name, {
        entry: manifest.spec.entry === true,
        ...(key ? { schemaKey: key } : {}),
      });
    }
    this.#types = types;
    this.#compiled = compiled;
  }

  /** Is the type declared by an EventType document? */
  has(type: string): boolean {
    return this.#types.has(type);
  }

  /** May the type be published from outside? True for undeclared types and `entry: true`. */
  isPublishable(type: string): boolean {
    const t = this.#types.get(type);
    return t === undefined || t.entry;
  }

  /** Problems of `data` against the type's schema (`/path message`); empty when valid or schemaless. */
  problems(type: string, data: unknown): string[] {
    const key = this.#types.get(type)?.schemaKey;
    const validate = key === undefined ? undefined : this.#compiled.get(key);
    if (!validate || validate(data)) return [];
    return (validate.errors ?? []).map((e) =>
      `data${e.instancePath} ${e.message ?? 'is invalid'}`.trim(),
    );
  }

  /** The schema guard of the pipeline. */
  check(event: CloudEvent): Rejection | undefined {
    const errors = this.problems(event.type, event.data);
    if (errors.length === 0) return undefined;
    return reject(
      'schema',
      ErrorCode.SchemaInvalid,
      `event ${event.id} does not match the ${event.type} schema: ${errors.join('; ')}`,
      { type: event.type, errors },
    );
  }
}
