/**
 * Paces calls per key (an SES region) so they go out at least `intervalMs` apart, whatever the
 * concurrency of the callers: callers of one key queue in call order, and each gap is measured
 * from the previous call's actual start (after its wait), so a late timer or a busy event loop
 * can never bunch two calls together. Clock and sleep are injected: tests advance a fake clock
 * instead of waiting, the local run shortens the interval, Lambda uses the real ones.
 */

/** Resolves after `ms` milliseconds. */
export type Sleep = (ms: number) => Promise<void>;

/** The real sleep (handlers and the local run only; tests pass a fake). */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SES allows one identity API request per second per account and region; the monitor stays
 * under it with margin, leaving room for a rotation's own calls in the same second.
 */
export const DEFAULT_SES_INTERVAL_MS = 1100;

/** Sleeps per turn before a call goes ahead anyway. */
const MAX_SLEEP_ROUNDS = 4;

export class Pacer {
  readonly #last = new Map<string, number>();
  readonly #queue = new Map<string, Promise<void>>();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: () => Date,
    private readonly sleep: Sleep,
  ) {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new RangeError(`Pacing interval must be a number of milliseconds ≥ 0 (got ${intervalMs}).`);
    }
  }

  /**
   * Starts `call` once `key`'s previous call is at least the interval old. The call is started in
   * the same tick its turn is counted, so nothing can run between the two and shrink the gap.
   * @returns the call's result.
   */
  run<T>(key: string, call: () => Promise<T>): Promise<T> {
    let started: Promise<T> | undefined;
    const turn = (this.#queue.get(key) ?? Promise.resolve()).then(async () => {
      const last = this.#last.get(key);
      if (last !== undefined) {
        // Node's timers count from the event loop's cached time, so a sleep can end a few ms
        // early by the clock: check again rather than trust it.
        // (A few rounds at most: a clock that never moves must not hang the run.)
        let waited = this.clock().getTime() - last;
        for (let round = 0; round < MAX_SLEEP_ROUNDS && waited < this.intervalMs; round += 1) {
          await this.sleep(this.intervalMs - waited);
          waited = this.clock().getTime() - last;
        }
      }
      this.#last.set(key, this.clock().getTime());
      started = call();
      // The caller observes the result below; the queue only waits for the start.
      started.catch(() => undefined);
    });
    this.#queue.set(key, turn);
    return turn.then(() => started as Promise<T>);
  }

  /** Waits for `key`'s next turn (for calls that start right after). */
  take(key: string): Promise<void> {
    return this.run(key, async () => undefined);
  }
}
