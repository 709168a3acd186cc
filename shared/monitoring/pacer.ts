/**
 * Paces calls per key (an SES region) so they start at least `intervalMs` apart, whatever the
 * concurrency of the callers. Slots are reserved synchronously, so concurrent callers queue in
 * call order without a lock. Clock and sleep are injected: tests advance a fake clock instead of
 * waiting, the local run shortens the interval, Lambda uses the real ones.
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

export class Pacer {
  readonly #next = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: () => Date,
    private readonly sleep: Sleep,
  ) {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new RangeError(`Pacing interval must be a number of milliseconds ≥ 0 (got ${intervalMs}).`);
    }
  }

  /** Waits for the next free slot of `key` and takes it. */
  async take(key: string): Promise<void> {
    const now = this.clock().getTime();
    const slot = Math.max(now, this.#next.get(key) ?? Number.NEGATIVE_INFINITY);
    this.#next.set(key, slot + this.intervalMs);
    if (slot > now) await this.sleep(slot - now);
  }
}
