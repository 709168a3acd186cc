import { InvalidInputError } from '../errors';
import { calendarDayIn, DEFAULT_TIME_ZONE, formatCompactDay } from './calendar';
import { MAX_DOMAIN_NAME_LENGTH, MAX_LABEL_LENGTH, normaliseDomain } from './domain';

/**
 * SES's pattern for `DomainSigningSelector` (SES API v2 reference, DkimSigningAttributes):
 * letters, digits and inner hyphens, 1–63 characters. No dots: one DNS label.
 */
const SELECTOR_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/**
 * Longest selector prefix: leaves room for `-yyyymmdd-nnn` (13 octets) within a 63-octet label,
 * so a thousand rotations on one day still make valid selectors.
 */
export const MAX_SELECTOR_PREFIX_LENGTH = MAX_LABEL_LENGTH - 13;

/**
 * Checks a selector the way SES does (one LDH label of at most 63 octets).
 * @throws InvalidInputError naming the selector and the rule it breaks.
 */
export function assertValidSelector(selector: string): string {
  if (selector.length === 0 || selector.length > MAX_LABEL_LENGTH) {
    throw new InvalidInputError(
      `Selector "${selector}" must be 1 to ${MAX_LABEL_LENGTH} octets long (it is ${selector.length}).`,
    );
  }
  if (!SELECTOR_PATTERN.test(selector)) {
    throw new InvalidInputError(
      `Selector "${selector}" must be one DNS label: letters, digits and inner hyphens, no dots.`,
    );
  }
  return selector;
}

/**
 * Checks a selector prefix so that every selector made from it is valid.
 * @throws InvalidInputError naming the prefix and the rule it breaks.
 */
export function assertValidSelectorPrefix(prefix: string): string {
  if (prefix.length === 0 || prefix.length > MAX_SELECTOR_PREFIX_LENGTH) {
    throw new InvalidInputError(
      `Selector prefix "${prefix}" must be 1 to ${MAX_SELECTOR_PREFIX_LENGTH} characters long.`,
    );
  }
  return assertValidSelector(prefix);
}

/** The DNS name of a selector's key record: `<selector>._domainkey.<domain>` (RFC 6376 §3.6.2.1). */
export function dkimRecordName(selector: string, domain: string): string {
  const name = `${assertValidSelector(selector)}._domainkey.${normaliseDomain(domain)}`;
  if (name.length > MAX_DOMAIN_NAME_LENGTH) {
    throw new InvalidInputError(
      `Record name "${name}" is longer than ${MAX_DOMAIN_NAME_LENGTH} octets: use a shorter selector prefix.`,
    );
  }
  return name;
}

/** Inputs of {@link nextSelector}. */
export interface NextSelectorInput {
  /** The configured selector prefix, e.g. `gooid-21-pro`. */
  readonly prefix: string;
  /** Selectors already used for this domain (any prefix; others are ignored). */
  readonly existing: readonly string[];
  /** The instant the rotation starts. */
  readonly now: Date;
  /** Time zone whose calendar day goes into the selector. @default 'Asia/Tokyo' */
  readonly timeZone?: string;
}

/**
 * The next selector `<prefix>-<yyyymmdd>-<n>`: the calendar day of `now` in the configured time
 * zone (a rotation at 08:00 JST on the 2nd is `…-yyyymm02-1`, although UTC still says the 1st),
 * and `n` one above the highest already used that day, starting at 1.
 */
export function nextSelector(input: NextSelectorInput): string {
  const prefix = assertValidSelectorPrefix(input.prefix);
  const day = formatCompactDay(calendarDayIn(input.now, input.timeZone ?? DEFAULT_TIME_ZONE));
  const stem = `${prefix}-${day}-`;
  let highest = 0;
  for (const selector of input.existing) {
    if (!selector.toLowerCase().startsWith(stem.toLowerCase())) continue;
    const counter = selector.slice(stem.length);
    if (/^[1-9]\d*$/.test(counter)) highest = Math.max(highest, Number(counter));
  }
  return assertValidSelector(`${stem}${highest + 1}`);
}
