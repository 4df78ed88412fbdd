// Event ids a group has finished (committed or dead-lettered), remembered for a bounded window
// so a duplicate of the same event id is skipped. A Map keeps insertion order and every marker
// gets the same TTL, so expired ids are always at the front: eviction is O(1) amortised.
// The window is bounded by count as well as time: one process cannot hold a day of event ids
// (1M events kept ~100 MB of markers in the RSS benchmark), so the oldest ids go first.

export class DedupeWindow {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries: number = Number.POSITIVE_INFINITY,
  ) {}

  has(id: string): boolean {
    const expiresAt = this.expiries.get(id);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.now()) return true;
    this.expiries.delete(id);
    return false;
  }

  add(id: string): void {
    const now = this.now();
    this.expiries.delete(id); // re-insert at the back: the order stays sorted by expiry
    this.expiries.set(id, now + this.windowMs);
    this.evict(now);
  }

  delete(id: string): void {
    this.expiries.delete(id);
  }

  get size(): number {
    return this.expiries.size;
  }

  private evict(now: number): void {
    for (const [id, expiresAt] of this.expiries) {
      if (expiresAt > now && this.expiries.size <= this.maxEntries) return;
      this.expiries.delete(id);
    }
  }
}
