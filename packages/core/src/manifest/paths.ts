// Document paths: segments (for walking YAML nodes) and their printed form
// (`spec.subscribe[0].type`, `spec.retry.attempts`) used in every diagnostic.
import type { PathSegment } from './yaml-source.js';

/** `['spec', 'subscribe', 0, 'type']` → `spec.subscribe[0].type`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

/** An ajv instancePath (`/spec/subscribe/0/type`) → segments; numeric parts under arrays become numbers. */
export function pointerToSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(part)) {
      const i = Number(part);
      segments.push(i);
      node = node[i];
    } else {
      segments.push(part);
      node =
        node !== null && typeof node === 'object'
          ? (node as Record<string, unknown>)[part]
          : undefined;
    }
  }
  return segments;
}
