// A wake-up signal for the runner loop: `wait(ms)` resolves on the next `notify()` or after
// `ms`, whichever comes first. Notifications while nobody waits are remembered once, so a
// settle that lands between a check and the wait is never missed.

export class Wake {
  #pending = false;
  #resolve: (() => void) | undefined;

  notify(): void {
    const r = this.#resolve;
    if (r) {
      this.#resolve = undefined;
      r();
    } else this.#pending = true;
  }

  wait(ms?: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        if (this.#resolve === done) this.#resolve = undefined;
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(done, ms);
      this.#resolve = done;
    });
  }
}
