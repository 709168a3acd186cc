/**
 * The schedule of a Wait-state polling loop (ConfirmSesStatus, ConfirmRollback): how long the
 * state machine waits before the next poll, and when the loop gives up.
 *
 * The pause before poll n+1 is drawn from [cap/2, cap] with cap = min(initial × rate^(n-1),
 * maxDelay): exponential backoff with "equal jitter" (AWS Architecture Blog, "Exponential Backoff
 * And Jitter"). Jitter spreads the SES calls of rotations started together by the daily monitor
 * (SES allows one identity request per second per account and region); the floor of half the
 * cap keeps the number of polls within `maxWaitHours` bounded ({@link maxPolls}), which the
 * execution history budget (shared/workflow-history.ts) relies on. Full jitter could draw
 * pauses near zero and poll without bound.
 */
import { type BackoffSettings, maxPolls } from '../workflow-history';

export { maxPolls };

/**
 * The default `sesConfirmation` schedule (shared/config/rotation-schema.ts takes its defaults from
 * here): 5 s at first, doubling to an hour, for SES's 72 hours. Also what a plan made before the plan
 * carried the schedule polls with.
 */
export const DEFAULT_SES_CONFIRMATION: BackoffSettings = {
  initialIntervalSeconds: 5,
  backoffRate: 2,
  maxDelaySeconds: 3600,
  maxWaitHours: 72,
};

/** Whole seconds the state machine waits after poll number `polls` (1 for the first poll). */
export function nextPollSeconds(settings: BackoffSettings, polls: number, random: () => number): number {
  const cap = Math.min(
    settings.initialIntervalSeconds * settings.backoffRate ** Math.max(0, polls - 1),
    settings.maxDelaySeconds,
  );
  const unit = Math.min(Math.max(random(), 0), 1);
  // Step Functions' Wait takes whole seconds; rounding up keeps every pause at least cap/2.
  return Math.max(1, Math.ceil(cap / 2 + (unit * cap) / 2));
}

/** Why a polling loop stops waiting, or undefined while it may poll again. */
export function pollingExhausted(
  settings: BackoffSettings,
  polls: number,
  startedAt: Date,
  now: Date,
): string | undefined {
  const hours = (now.getTime() - startedAt.getTime()) / 3_600_000;
  if (hours >= settings.maxWaitHours) return `still PENDING after ${settings.maxWaitHours} h`;
  // Reached only when the clock disagrees with the waits (or they are shortened, as in the local
  // rehearsal): the bound the execution history budget counts on.
  if (polls >= maxPolls(settings)) return `still PENDING after ${polls} polls`;
  return undefined;
}
