// The node-wide in-flight bound: every agent runner of a node takes slots here before fetching,
// so the sum of in-flight deliveries never exceeds `maxInFlight` however many agents run.
// Non-blocking by design: a runner takes what is free and waits for `onRelease` otherwise.

export class NodeSlots {
  readonly capacity: number;
  #used = 0;
  readonly #listeners = new Set<() => void>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    this.capacity = capacity;
  }

  get used(): number {
    return this.#used;
  }

  /** Take up to `n` slots; returns how many were taken (0 when the node is full). */
  tryAcquire(n: number): number {
    const granted = Math.max(0, Math.min(n, this.capacity - this.#used));
    this.#used += granted;
    return granted;
  }

  /** Give back `n` slots and tell the waiting runners. */
  release(n: number): void {
    if (n <= 0) return;
    this.#used = Math.max(0, this.#used - n);
    for (const l of [...this.#listeners]) l();
  }

  /** Called after every release; returns an unsubscribe function. */
  onRelease(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
