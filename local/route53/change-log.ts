/**
 * Route 53's change ids and their status: a change is PENDING until it reaches the name servers
 * (`propagationMs` after it was accepted), then INSYNC. Changes reach the servers in the order
 * they were accepted, as Route 53 applies a zone's changes in order.
 */
import { randomInt } from 'node:crypto';

/** ChangeInfo.Status. */
export type ChangeStatus = 'PENDING' | 'INSYNC';

/** What GetChange reports. */
export interface ChangeInfo {
  /** Without the `/change/` prefix: `C2682N5HXP0BZ4`. */
  readonly id: string;
  readonly status: ChangeStatus;
  readonly submittedAt: number;
  readonly comment?: string;
  /** Why the change never reached the name servers (the DNS target threw). */
  readonly failure?: string;
}

interface TrackedChange {
  readonly id: string;
  readonly submittedAt: number;
  readonly comment?: string;
  readonly push: () => void;
  status: ChangeStatus;
  failure?: string;
  timer?: NodeJS.Timeout;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A new change id as Route 53 forms them: `C` and 13 upper-case letters and digits. */
export function newChangeId(): string {
  let id = 'C';
  for (let index = 0; index < 13; index += 1) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** The changes accepted so far and their propagation to the name servers. */
export class ChangeLog {
  readonly #changes = new Map<string, TrackedChange>();
  /** Accepted changes not yet pushed, oldest first. */
  #queue: TrackedChange[] = [];

  /** @param propagationMs how long a change stays PENDING before it is pushed (0: at once) */
  constructor(private readonly propagationMs: number) {}

  /**
   * Records an accepted change and schedules `push` (which tells the name servers). With no
   * propagation delay the push happens before this returns; the change still answers PENDING in
   * the ChangeResourceRecordSets response, as Route 53 always does.
   */
  submit(id: string, submittedAt: number, comment: string | undefined, push: () => void): ChangeInfo {
    const change: TrackedChange = {
      id,
      submittedAt,
      ...(comment === undefined ? {} : { comment }),
      push,
      status: 'PENDING',
    };
    this.#changes.set(id, change);
    this.#queue.push(change);
    const response = this.#info(change);
    if (this.propagationMs <= 0) this.#pushThrough(change);
    else {
      change.timer = setTimeout(() => this.#pushThrough(change), this.propagationMs);
      change.timer.unref();
    }
    return response;
  }

  /** The change's current status, or undefined when no change has this id. */
  get(id: string): ChangeInfo | undefined {
    const change = this.#changes.get(id);
    return change ? this.#info(change) : undefined;
  }

  /** Cancels every push still waiting: those changes stay PENDING and never reach the servers. */
  stop(): void {
    for (const change of this.#queue) clearTimeout(change.timer);
    this.#queue = [];
  }

  /** Pushes every queued change up to and including `last`, oldest first. */
  #pushThrough(last: TrackedChange): void {
    while (this.#queue.length > 0) {
      const change = this.#queue.shift() as TrackedChange;
      clearTimeout(change.timer);
      try {
        change.push();
        change.status = 'INSYNC';
      } catch (error) {
        change.failure = error instanceof Error ? error.message : String(error);
      }
      if (change === last) return;
    }
  }

  #info(change: TrackedChange): ChangeInfo {
    return {
      id: change.id,
      status: change.status,
      submittedAt: change.submittedAt,
      ...(change.comment === undefined ? {} : { comment: change.comment }),
      ...(change.failure === undefined ? {} : { failure: change.failure }),
    };
  }
}
