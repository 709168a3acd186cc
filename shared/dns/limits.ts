/**
 * Bounds on how much DNS work one process does at once, whatever a zone publishes.
 *
 * A zone's owner (or whoever answers for its resolver) decides how many NS hosts and addresses the
 * checks ask. Unbounded, a hostile or broken NS set of thousands of addresses would open as many
 * sockets at once in a Lambda function (and in the monitor, for every domain). So: queries run at
 * most {@link DNS_QUERY_CONCURRENCY} at a time per process, and an NS set larger than
 * {@link MAX_NAME_SERVER_HOSTS} hosts or {@link MAX_NAME_SERVER_ADDRESSES} addresses is refused
 * (discovery.ts) — never checked in part, since every address must serve the key (invariant 1).
 * With the default timeout (2 s, 3 attempts) the largest accepted set is checked in under a minute.
 */

/** DNS queries in flight at once in one process: a typical zone (4 NS × A + AAAA) in one round. */
export const DNS_QUERY_CONCURRENCY = 8;

/** NS hosts a zone may have; real zones have 2-13. More is refused, not sampled. */
export const MAX_NAME_SERVER_HOSTS = 20;

/** Addresses (IPv4 and IPv6, all NS hosts together) a zone may have. More is refused, not sampled. */
export const MAX_NAME_SERVER_ADDRESSES = 64;

/** Runs tasks with at most `limit` of them running at once, first come first served. */
export class ConcurrencyLimit {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer: ${limit}`);
  }

  /** How many tasks run now (for tests and diagnostics). */
  get running(): number {
    return this.#running;
  }

  /**
   * Runs `task` once a slot is free; the slot is released however the task ends, handed straight
   * to the next waiting task so a newcomer cannot take it in between.
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.limit) this.#running += 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}
