// Which streams this node's janitor trims (decision 0010): the retry stream of every group a
// consumer of the transport belongs to (one entry per retry, redrive or replay, read by that
// group alone), every type a consumer of the transport reads, and the types it appended to lately — entry events, committed emissions,
// system events — because a terminal type nobody consumes is appended here and read nowhere,
// so no consumer would ever name it. Appended types are kept in a bounded least-recently-
// appended set: a node handed endless distinct types cannot grow it without limit.
// Trimming a stream of a type no group reads follows the ungrouped retention; trimming any
// other stream is the ordinary safe trim, so a type tracked by several nodes costs only
// repeated work.

/** Default bound of the appended-types set. */
export const MAX_APPENDED_TYPES = 4096;

export class TrimTargets {
  readonly #consumed = new Set<string>();
  readonly #groups = new Set<string>();
  /** Insertion order = order of last append: the first entry is the one evicted. */
  readonly #appended = new Set<string>();

  constructor(private readonly maxAppended = MAX_APPENDED_TYPES) {}

  consumed(group: string, types: readonly string[]): void {
    this.#groups.add(group);
    for (const t of types) this.#consumed.add(t);
  }

  /** On the hot path (every append): two Set operations, an eviction when over the bound. */
  appended(type: string): void {
    this.#appended.delete(type);
    this.#appended.add(type);
    if (this.#appended.size > this.maxAppended) {
      const oldest = this.#appended.values().next().value;
      if (oldest !== undefined) this.#appended.delete(oldest);
    }
  }

  /** Every type to trim, each once: consumed ones first, then appended ones. */
  list(): string[] {
    return [...new Set([...this.#consumed, ...this.#appended])];
  }

  /** The groups whose retry streams to trim. */
  groups(): string[] {
    return [...this.#groups];
  }
}
