import type { Clock } from '../http';

/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. SES enforces its
 * identity API limit (1 request/s per account and region) with the same shape.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) {
      throw new RangeError(`A throttle needs a rate > 0 and a burst >= 1 (got ${ratePerSecond}, ${burst}).`);
    }
    this.#tokens = burst;
    this.#updatedAt = clock();
  }

  /** Takes a token when one is available; false means "throttle this request". */
  tryTake(): boolean {
    const now = this.clock();
    const elapsedSeconds = Math.max(0, now - this.#updatedAt) / 1000;
    this.#tokens = Math.min(this.burst, this.#tokens + elapsedSeconds * this.ratePerSecond);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
