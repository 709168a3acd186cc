import { InvalidInputError } from '../errors';

/** Time zone whose calendar day names selectors and counts days, unless configured otherwise. */
export const DEFAULT_TIME_ZONE = 'Asia/Tokyo';

/** A calendar day: year, month 1–12, day 1–31. */
export interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
      });
    } catch (cause) {
      throw new InvalidInputError(`Unknown time zone "${timeZone}": use an IANA name such as Asia/Tokyo.`, {
        cause,
      });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * True when `timeZone` is an IANA `Area/Location` name (or `UTC`) this runtime knows. Bare
 * abbreviations such as `JST` are refused: ICU accepts some of them, EventBridge Scheduler does not.
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone !== 'UTC' && !/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(timeZone)) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar day `instant` falls on in `timeZone` (not in UTC, not in the machine's zone). */
export function calendarDayIn(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): CalendarDay {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((candidate) => candidate.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

/** `yyyymmdd` of a calendar day. */
export function formatCompactDay(day: CalendarDay): string {
  return `${day.year}${String(day.month).padStart(2, '0')}${String(day.day).padStart(2, '0')}`;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDay, to: CalendarDay): number {
  const msPerDay = 86_400_000;
  return Math.round(
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / msPerDay,
  );
}
