// A map whose keys live for one fixed window from when they were set, bounded by count (the
// oldest go first). Backs the dedupe window and the correlation counts of the memory transport.
//
// Why not just a Map iterated from its front for eviction: V8's ordered hash table leaves a
// tombstone for every deleted entry until it rehashes, and a fresh iterator walks them all. With
// the table full (every set evicts one), each eviction rescanned up to the whole table of
// tombstones: 35 % of the main thread in the in-memory benchmark. Here the insertion order lives
// in plain arrays with a moving head (O(1) amortised eviction); the Map only maps a key to the
// sequence number of its live slot, so a re-set or deleted key leaves a stale slot that eviction
// skips.

export class WindowedMap<V> {
  readonly #seqOf = new Map<string, number>();
  #keys: (string | undefined)[] = [];
  #expiries: number[] = [];
  #values: (V | undefined)[] = [];
  /** Index of the oldest retained slot in the arrays. */
  #head = 0;
  /** Sequence number of the slot at #head. */
  #firstSeq = 0;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries: number = Number.POSITIVE_INFINITY,
  ) {}

  get size(): number {
    return this.#seqOf.size;
  }

  /** Retained slots, stale ones included (tests: the bound on memory). */
  get slots(): number {
    return this.#keys.length - this.#head;
  }

  /** The value of `key` while its window lasts; undefined once expired (then forgotten). */
  get(key: string, now?: number): V | undefined {
    const seq = this.#seqOf.get(key);
    // Most lookups miss (a fresh event id): they need no clock reading.
    if (seq === undefined) return undefined;
    const i = this.#head + (seq - this.#firstSeq);
    if (this.#expiries[i]! > (now ?? this.now())) return this.#values[i];
    this.#seqOf.delete(key);
    return undefined;
  }

  /** Set `key` with a fresh window from `now` (a live key is replaced and moves to the back). */
  set(key: string, value: V, now: number = this.now()): void {
    const seq = this.#firstSeq + (this.#keys.length - this.#head);
    this.#keys.push(key);
    this.#expiries.push(now + this.windowMs);
    this.#values.push(value);
    this.#seqOf.set(key, seq);
    this.#evict(now);
  }

  delete(key: string): void {
    this.#seqOf.delete(key);
  }

  /** Drop expired slots and, past maxEntries, the oldest live ones. */
  #evict(now: number): void {
    while (this.#head < this.#keys.length) {
      const i = this.#head;
      if (this.#expiries[i]! > now && this.#seqOf.size <= this.maxEntries) break;
      const key = this.#keys[i]!;
      if (this.#seqOf.get(key) === this.#firstSeq) this.#seqOf.delete(key);
      this.#keys[i] = undefined;
      this.#values[i] = undefined;
      this.#head++;
      this.#firstSeq++;
    }
    const retained = this.#keys.length - this.#head;
    if (retained > 2 * this.#seqOf.size + 1024) this.#rebuild();
    else if (this.#head >= 1024 && this.#head * 2 >= this.#keys.length) {
      this.#keys = this.#keys.slice(this.#head);
      this.#expiries = this.#expiries.slice(this.#head);
      this.#values = this.#values.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Keep only live slots, in order (stale slots piled up: keys re-set or deleted often). */
  #rebuild(): void {
    const keys: string[] = [];
    const expiries: number[] = [];
    const values: (V | undefined)[] = [];
    for (let i = this.#head; i < this.#keys.length; i++) {
      const key = this.#keys[i]!;
      if (this.#seqOf.get(key) !== this.#firstSeq + (i - this.#head)) continue;
      this.#seqOf.set(key, keys.length);
      keys.push(key);
      expiries.push(this.#expiries[i]!);
      values.push(this.#values[i]);
    }
    this.#keys = keys;
    this.#expiries = expiries;
    this.#values = values;
    this.#head = 0;
    this.#firstSeq = 0;
  }
}
