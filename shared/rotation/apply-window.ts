/**
 * The apply window: the daily period, in the configured time zone, when ApplyToSes may change SES.
 *
 * SES may send mail unsigned while a new key is PENDING (AWS_FACTS.md, "SES v2"), so operators of
 * a busy domain choose a quiet period. Pure functions of an instant: VerifyDnsRecord decides with
 * them whether the workflow applies now or waits (WaitForApplyWindow), notices say when the switch
 * is planned, and `byodkim status` shows it. Wall-clock arithmetic goes through Temporal
 * (@js-temporal/polyfill, the proposal champions' polyfill), so a window in a zone with daylight
 * saving time opens at the right instant: a start time that does not exist that day (spring
 * forward) opens at the first instant after the gap, Temporal's `compatible` disambiguation.
 */
import { Temporal } from '@js-temporal/polyfill';

/** `HH:MM`, 24-hour clock. */
export const WALL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A daily window on the wall clock of `timeZone`; `end` before `start` crosses midnight. */
export interface ApplyWindow {
  /** `HH:MM`: the first minute SES may be changed. */
  readonly start: string;
  /** `HH:MM`: the window closes at this minute (exclusive). */
  readonly end: string;
  /** IANA time zone the wall-clock times are read in (the configuration's `timeZone`). */
  readonly timeZone: string;
}

/** When the switch can happen: now, or at the next opening of the window. */
export type ApplySchedule =
  | { readonly kind: 'now'; readonly applyAt: Date }
  | { readonly kind: 'wait'; readonly applyAt: Date };

function minutesOf(wallTime: string): number {
  const [hours, minutes] = wallTime.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function zoned(at: Date, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);
}

/** True when `at` falls inside the window (start inclusive, end exclusive). */
export function isInApplyWindow(at: Date, window: ApplyWindow): boolean {
  const local = zoned(at, window.timeZone);
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * The first opening of the window strictly after `at`, as an instant (whole seconds). Looks at
 * today's and the next two days' openings: a day whose start time falls in a DST gap still opens
 * (just after the gap), so one of them is always later than `at`.
 */
export function nextApplyWindowOpening(at: Date, window: ApplyWindow): Date {
  const today = zoned(at, window.timeZone).toPlainDate();
  const startTime = Temporal.PlainTime.from(window.start);
  for (let days = 0; days <= 2; days += 1) {
    const opening = today
      .add({ days })
      .toZonedDateTime({ timeZone: window.timeZone, plainTime: startTime })
      .toInstant().epochMilliseconds;
    if (opening > at.getTime()) return new Date(opening);
  }
  throw new Error(`No opening of the apply window ${describeApplyWindow(window)} after ${at.toISOString()}`);
}

/** Apply now (no window, or inside it) or wait for the next opening. */
export function applySchedule(at: Date, window: ApplyWindow | undefined): ApplySchedule {
  if (window === undefined || isInApplyWindow(at, window)) return { kind: 'now', applyAt: at };
  return { kind: 'wait', applyAt: nextApplyWindowOpening(at, window) };
}

/** `02:00–04:00 Asia/Tokyo`. */
export function describeApplyWindow(window: ApplyWindow): string {
  return `${window.start}–${window.end} ${window.timeZone}`;
}

/**
 * An instant as a Wait state's TimestampPath takes it: RFC 3339 in UTC with an upper-case `T` and
 * `Z` (Step Functions' Wait state rules), whole seconds.
 */
export function waitTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}
