// Content-based routing (`subscribe[].where`): an event matches when one subscription of its
// type has every `where` path (dotted, from the event root, e.g. `data.dialect`) equal to the
// given value. Unmatched deliveries are committed with no emissions: the agent saw them.
import type { CloudEvent, Subscription } from '@troupe/core';

/** The value at a dotted path from the event root; undefined when any step is missing. */
export function valueAtPath(event: CloudEvent, path: string): unknown {
  let cur: unknown = event;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** True when some subscription for `event.type` accepts it (no `where` accepts everything). */
export function matchesSubscriptions(
  event: CloudEvent,
  subscriptions: readonly Subscription[],
): boolean {
  // A loop, not some/entries: this runs for every delivery, and most subscriptions have no `where`.
  for (const s of subscriptions) {
    if (s.type !== event.type) continue;
    if (s.where === undefined) return true;
    if (Object.entries(s.where).every(([path, expected]) => valueAtPath(event, path) === expected))
      return true;
  }
  return false;
}
