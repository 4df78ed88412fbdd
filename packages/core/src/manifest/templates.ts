// `{{ path }}` templates in the arguments of a `uses: mcp-tool` agent (docs/decisions/0009).
// A path is dot-separated from the event root, like a `where` path (`data.city`, `subject`,
// `data.items.0.name`). A string that is exactly one template takes the value it points at, with
// its JSON type (`"{{ data.days }}"` → 3); any other string interpolates (strings as they are,
// other values as JSON). Checked statically by the loader; rendered by the runtime per event.
import { EVENT_ROOTS, PATH_SEGMENT } from './event-paths.js';
import type { PathSegment } from './yaml-source.js';

const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** One problem of a template, `at` is the place inside `arguments` (empty: arguments itself). */
export interface TemplateProblem {
  at: PathSegment[];
  message: string;
  hint?: string;
}

function pathProblem(path: string): string | undefined {
  if (path === '') return 'an empty template {{ }}';
  const parts = path.split('.');
  if (!(EVENT_ROOTS as readonly string[]).includes(parts[0]!))
    return `template path '${path}' must start at the event root (${EVENT_ROOTS.slice(0, 4).join(', ')}, …)`;
  if (parts.some((p) => !PATH_SEGMENT.test(p)))
    return `template path '${path}' has an empty or invalid segment`;
  return undefined;
}

function checkString(text: string, at: PathSegment[], out: TemplateProblem[]): void {
  const rest = text.replace(PLACEHOLDER, (_, path: string) => {
    const problem = pathProblem(path);
    if (problem !== undefined)
      out.push({
        at,
        message: problem,
        hint: "event fields live under 'data', e.g. {{ data.city }}",
      });
    return '';
  });
  if (rest.includes('{{') || rest.includes('}}'))
    out.push({
      at,
      message: `unbalanced '{{' or '}}' in '${text.length > 60 ? `${text.slice(0, 60)}…` : text}'`,
      hint: "write a template as '{{ data.field }}' (templates cannot nest; there is no escape)",
    });
}

function walk(value: unknown, at: PathSegment[], out: TemplateProblem[]): void {
  if (typeof value === 'string') checkString(value, at, out);
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i], out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) walk(v, [...at, k], out);
}

/** The problems of an `arguments` value (mapping or one whole template); empty when valid. */
export function checkTemplateArguments(args: unknown): TemplateProblem[] {
  const out: TemplateProblem[] = [];
  if (typeof args === 'string' && !WHOLE.test(args)) {
    out.push({
      at: [],
      message: `arguments given as a string must be one whole template, got '${args}'`,
      hint: "e.g. arguments: '{{ data }}' (it must point at a mapping), or write a mapping",
    });
    return out;
  }
  walk(args, [], out);
  return out;
}

const MISSING = Symbol('missing');

function lookup(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return MISSING;
    if (!Object.hasOwn(node, key)) return MISSING;
    node = (node as Record<string, unknown>)[key];
  }
  return node === undefined ? MISSING : node;
}

/** Why rendering failed: the event lacks `path` (used at `at` inside arguments). */
export interface TemplateMiss {
  path: string;
  at: PathSegment[];
  reason: 'missing' | 'not-a-mapping';
}

export type RenderedArguments =
  { ok: true; value: Record<string, unknown> } | { ok: false; miss: TemplateMiss };

class Miss extends Error {
  readonly miss: TemplateMiss;
  constructor(miss: TemplateMiss) {
    super(miss.path);
    this.miss = miss;
  }
}

function render(value: unknown, event: unknown, at: PathSegment[]): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole !== null) {
      const found = lookup(event, whole[1]!);
      if (found === MISSING) throw new Miss({ path: whole[1]!, at, reason: 'missing' });
      return found;
    }
    return value.replace(PLACEHOLDER, (_, path: string) => {
      const found = lookup(event, path);
      if (found === MISSING) throw new Miss({ path, at, reason: 'missing' });
      return typeof found === 'string' ? found : JSON.stringify(found);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => render(v, event, [...at, i]));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, render(v, event, [...at, k])]),
    );
  return value;
}

/**
 * Render `args` (checked by `checkTemplateArguments`) over `event` (the CloudEvent as JSON).
 * Absent arguments are `{}`. A path the event lacks, or a whole-arguments template that does not
 * point at a mapping, is a miss.
 */
export function renderTemplateArguments(args: unknown, event: unknown): RenderedArguments {
  try {
    const value = render(args ?? {}, event, []);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const path = typeof args === 'string' ? (WHOLE.exec(args)?.[1] ?? args) : '';
      return { ok: false, miss: { path, at: [], reason: 'not-a-mapping' } };
    }
    return { ok: true, value: value as Record<string, unknown> };
  } catch (err) {
    if (err instanceof Miss) return { ok: false, miss: err.miss };
    throw err;
  }
}
