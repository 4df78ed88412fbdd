// Argument checking shared by every workspace store: exported limits and defaults, then one
// function per argument that validates and normalizes it, naming the field in the error
// (STYLE.md §4). Stores call `preparePut` / `prepareQuery` and only ever see clean input.
import { ErrorCode, TroupeError } from '@troupe/core';
import {
  ALL_SCOPES,
  GLOBAL_SCOPE,
  type ListOptions,
  type PutOptions,
  type SearchOptions,
  type WorkspaceScope,
  type WorkspaceStoreOptions,
} from './contract.js';
import { invalidArgument } from './errors.js';

/** Limits and defaults of the workspace (documented on the options that use them). */
export const WORKSPACE_DEFAULTS = {
  maxValueBytes: 1024 * 1024,
  listLimit: 1000,
  maxListLimit: 10_000,
  maxTags: 64,
  maxTagLength: 128,
  maxKeyLength: 512,
  maxScopeLength: 256,
  updateRetries: 100,
} as const;

export interface ResolvedWorkspaceStoreOptions {
  readonly maxValueBytes: number;
}

export function resolveWorkspaceStoreOptions(
  options: WorkspaceStoreOptions = {},
): ResolvedWorkspaceStoreOptions {
  const maxValueBytes = options.maxValueBytes ?? WORKSPACE_DEFAULTS.maxValueBytes;
  if (!Number.isInteger(maxValueBytes) || maxValueBytes < 1)
    throw invalidArgument(
      'options.maxValueBytes',
      `must be an integer >= 1, got ${String(maxValueBytes)}`,
    );
  return { maxValueBytes };
}

// Control characters would corrupt logs and Redis key listings; braces delimit the scope in
// Redis keys (`<ns>:ws:{<scope>}:…`), so a scope must not contain them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const BRACES = /[{}]/;

/** The scope as stored: `'global'` for the global scope, else the validated name. */
export function normalizeScope(scope: WorkspaceScope, field = 'scope'): string {
  if (typeof scope === 'object' && scope !== null && scope.global === true) return GLOBAL_SCOPE;
  if (typeof scope !== 'string')
    throw invalidArgument(field, 'must be a string or { global: true }');
  if (scope === ALL_SCOPES)
    throw invalidArgument(field, `'${ALL_SCOPES}' is only valid for search`);
  if (scope.length < 1 || scope.length > WORKSPACE_DEFAULTS.maxScopeLength)
    throw invalidArgument(
      field,
      `must be 1..${WORKSPACE_DEFAULTS.maxScopeLength} characters, got ${scope.length}`,
    );
  if (CONTROL.test(scope) || BRACES.test(scope))
    throw invalidArgument(field, 'must not contain control characters, { or }');
  return scope;
}

/** Like `normalizeScope`, but also accepts `ALL_SCOPES` (returned as `undefined`). */
export function normalizeSearchScope(scope: WorkspaceScope): string | undefined {
  return scope === ALL_SCOPES ? undefined : normalizeScope(scope);
}

export function checkKey(key: string, field = 'key'): string {
  if (typeof key !== 'string' || key.length < 1 || key.length > WORKSPACE_DEFAULTS.maxKeyLength)
    throw invalidArgument(
      field,
      `must be a string of 1..${WORKSPACE_DEFAULTS.maxKeyLength} characters`,
    );
  if (CONTROL.test(key)) throw invalidArgument(field, 'must not contain control characters');
  return key;
}

/** Deduplicated tags in first-seen order. */
export function normalizeTags(tags: readonly string[] | undefined, field: string): string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) throw invalidArgument(field, 'must be an array of strings');
  if (tags.length > WORKSPACE_DEFAULTS.maxTags)
    throw invalidArgument(field, `must hold at most ${WORKSPACE_DEFAULTS.maxTags} tags`);
  const seen = new Set<string>();
  tags.forEach((tag: unknown, i) => {
    if (
      typeof tag !== 'string' ||
      tag.length < 1 ||
      tag.length > WORKSPACE_DEFAULTS.maxTagLength ||
      CONTROL.test(tag)
    )
      throw invalidArgument(
        `${field}[${i}]`,
        `must be a string of 1..${WORKSPACE_DEFAULTS.maxTagLength} characters without control characters`,
      );
    seen.add(tag);
  });
  return [...seen];
}

/** JSON text of `value`, refused when it is not JSON or larger than `maxBytes`. */
export function encodeJson(value: unknown, field: string, maxBytes: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    throw invalidArgument(field, `must be JSON-serializable: ${(err as Error).message}`);
  }
  if (json === undefined) throw invalidArgument(field, 'must be a JSON value, got undefined');
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes)
    throw new TroupeError(
      ErrorCode.PayloadTooLarge,
      `${field} is ${bytes} bytes of JSON, over the workspace limit of ${maxBytes} bytes (option maxValueBytes)`,
      { data: { field, bytes, limit: maxBytes }, retryable: false },
    );
  return json;
}

function positiveInt(value: number | undefined, field: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < min)
    throw invalidArgument(field, `must be an integer >= ${min}, got ${String(value)}`);
  return value;
}

export function resolveLimit(limit: number | undefined, field = 'options.limit'): number {
  const value = positiveInt(limit, field, 1) ?? WORKSPACE_DEFAULTS.listLimit;
  if (value > WORKSPACE_DEFAULTS.maxListLimit)
    throw invalidArgument(field, `must be <= ${WORKSPACE_DEFAULTS.maxListLimit}, got ${value}`);
  return value;
}

/** `ifVersion` checked: undefined (unconditional) or an integer >= 0. */
export function checkIfVersion(ifVersion: number | undefined): number | undefined {
  return positiveInt(ifVersion, 'options.ifVersion', 0);
}

/** A put, validated and encoded. */
export interface PreparedPut {
  readonly scope: string;
  readonly key: string;
  readonly valueJson: string;
  readonly tags: readonly string[];
  readonly tagsJson: string;
  readonly metadataJson: string;
  readonly ttlMs: number | undefined;
  readonly ifVersion: number | undefined;
  readonly createdBy: string | undefined;
}

export function preparePut(
  scope: WorkspaceScope,
  key: string,
  value: unknown,
  options: PutOptions,
  maxValueBytes: number,
): PreparedPut {
  const metadata = options.metadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw invalidArgument('options.metadata', 'must be a plain JSON object');
  if (options.createdBy !== undefined && typeof options.createdBy !== 'string')
    throw invalidArgument('options.createdBy', 'must be a string');
  const tags = normalizeTags(options.tags, 'options.tags');
  return {
    scope: normalizeScope(scope),
    key: checkKey(key),
    valueJson: encodeJson(value, 'value', maxValueBytes),
    tags,
    tagsJson: JSON.stringify(tags),
    metadataJson: encodeJson(metadata, 'options.metadata', maxValueBytes),
    ttlMs: positiveInt(options.ttlMs, 'options.ttlMs', 1),
    ifVersion: checkIfVersion(options.ifVersion),
    createdBy: options.createdBy || undefined,
  };
}

/** A list or search, validated. `scope` undefined means every scope. */
export interface PreparedQuery {
  readonly scope: string | undefined;
  readonly tags: readonly string[];
  readonly prefix: string | undefined;
  /** Lower-cased search text. */
  readonly text: string | undefined;
  readonly limit: number;
}

export function prepareList(scope: WorkspaceScope, options: ListOptions = {}): PreparedQuery {
  if (options.prefix !== undefined && typeof options.prefix !== 'string')
    throw invalidArgument('options.prefix', 'must be a string');
  return {
    scope: normalizeScope(scope),
    tags: normalizeTags(options.tags, 'options.tags'),
    prefix: options.prefix || undefined,
    text: undefined,
    limit: resolveLimit(options.limit),
  };
}

export function prepareSearch(scope: WorkspaceScope, options: SearchOptions = {}): PreparedQuery {
  if (options.text !== undefined && typeof options.text !== 'string')
    throw invalidArgument('options.text', 'must be a string');
  return {
    scope: normalizeSearchScope(scope),
    tags: normalizeTags(options.tags, 'options.tags'),
    prefix: undefined,
    text: options.text ? options.text.toLowerCase() : undefined,
    limit: resolveLimit(options.limit),
  };
}

/** Whether an entry's key and value JSON match a prepared text query (the reference semantics). */
export function matchesText(text: string | undefined, key: string, valueJson: string): boolean {
  if (text === undefined) return true;
  return key.toLowerCase().includes(text) || valueJson.toLowerCase().includes(text);
}

/** Byte order of UTF-8 strings: the order both stores sort keys and scopes in. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
