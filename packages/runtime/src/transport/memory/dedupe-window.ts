// Event ids a group has finished (committed or dead-lettered), remembered for a bounded window
// so a duplicate of the same event id is skipped. Every marker gets the same TTL, so expired ids
// are always the oldest: eviction is O(1) amortised (windowed-map.ts says why not a plain Map).
// The window is bounded by count as well as time: one process cannot hold a day of event ids
// (1M events kept ~100 MB of markers in the RSS benchmark), so the oldest ids go first.
import { WindowedMap } from './windowed-map.js';

export class DedupeWindow {
  private readonly ids: WindowedMap<true>;

  constructor(
    windowMs: number,
    private readonly now: () => number = Date.now,
    maxEntries: number = Number.POSITIVE_INFINITY,
  ) {
    this.ids = new WindowedMap(windowMs, now, maxEntries);
  }

  has(id: string): boolean {
    return this.ids.get(id) === true;
  }

  /** Remember `id` for a fresh window (re-adding moves it to the back). */
  add(id: string): void {
    this.ids.set(id, true);
  }

  delete(id: string): void {
    this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
