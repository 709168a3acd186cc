/**
 * The clock the rehearsed task code reads. It runs with real time, and jumps forward when the
 * rehearsal shortens a wait for an instant: WaitForApplyWindow waits (shortened) for the window's
 * opening, and the tasks after it must see a time inside the window, or VerifyDnsRecord would plan
 * another wait. Never moves backwards; shared by every rotation of the environment.
 */
import { STATE } from '../../workflows/states';
import type { EventLog } from '../sfn/engine';

export class RehearsalClock {
  #offsetMs = 0;

  /** The rehearsal's "now". */
  readonly now = (): Date => new Date(Date.now() + this.#offsetMs);

  /** Moves the clock to `at` unless it is already later. */
  advanceTo(at: Date): void {
    this.#offsetMs = Math.max(this.#offsetMs, at.getTime() - Date.now());
  }

  /** How far the clock is ahead of real time. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /**
   * Follows the execution history: entering WaitForApplyWindow moves the clock to the instant the
   * state waits for (`$.dns.waitForApplyWindowUntil`, its TimestampPath).
   */
  follow(event: EventLog): void {
    if (event.type !== 'StateEntered' || event.state.name !== STATE.WaitForApplyWindow) return;
    const until = (event.state.input as { dns?: { waitForApplyWindowUntil?: unknown } } | undefined)?.dns
      ?.waitForApplyWindowUntil;
    const at = typeof until === 'string' ? new Date(until) : undefined;
    if (at !== undefined && !Number.isNaN(at.getTime())) this.advanceTo(at);
  }
}
