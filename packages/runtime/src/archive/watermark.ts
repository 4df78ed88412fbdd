// The archive's watermark (decision 0007): the oldest start time of anything the archive may
// still have to write. Events reach the archive only after the transport call that appended
// them resolved, so each event is counted from the START of that call (the XADD happened after
// it): in-flight calls count until they end, recorded events until their batch is written.
// Times are whole milliseconds on this process's monotonic clock (performance.now()), so a
// wall-clock step cannot move the watermark; the Redis transport converts them to its clock.

/** A multiset of start times; `oldest()` is the watermark's floor. */
export class WatermarkTracker {
  readonly #counts = new Map<number, number>();

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** Now, floored to whole ms (floored: an earlier start is the safe side). */
  now(): number {
    return Math.floor(this.clock());
  }

  add(at: number, n = 1): void {
    if (n > 0) this.#counts.set(at, (this.#counts.get(at) ?? 0) + n);
  }

  remove(at: number, n = 1): void {
    const left = (this.#counts.get(at) ?? 0) - n;
    if (left > 0) this.#counts.set(at, left);
    else this.#counts.delete(at);
  }

  /** Remove one count per element; runs of equal times (the usual case) cost one map update. */
  removeEach(ats: readonly number[]): void {
    let i = 0;
    while (i < ats.length) {
      let j = i + 1;
      while (j < ats.length && ats[j] === ats[i]) j++;
      this.remove(ats[i]!, j - i);
      i = j;
    }
  }

  /** The oldest start still counted, or undefined when nothing is. */
  oldest(): number | undefined {
    let min: number | undefined;
    // Keys are distinct ms values, so this scan is bounded by the span of unwritten work in ms.
    for (const at of this.#counts.keys()) if (min === undefined || at < min) min = at;
    return min;
  }
}
