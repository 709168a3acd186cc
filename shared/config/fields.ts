/**
 * The small field schemas the configuration is built from (numbers in a range, e-mail lists, a
 * domain name, a selector prefix, a region, a wall time, a time zone, an apply window, a polling
 * schedule), each with the message that names what is allowed.
 */
import { z } from 'zod';
import { partitionOf } from '../aws-regions';
import { isValidTimeZone } from '../dkim/calendar';
import { normaliseDomain } from '../dkim/domain';
import { assertValidSelectorPrefix, MAX_SELECTOR_PREFIX_LENGTH } from '../dkim/selector';
import { WALL_TIME } from '../rotation/apply-window';
import {
  type BackoffSettings,
  MAX_ROTATION_HISTORY_EVENTS,
  STEP_FUNCTIONS_HISTORY_LIMIT,
} from '../workflow-history';

/** A whole number from `min` to `max` of `unit`; every failure gives the same message naming the range. */
export const wholeNumber = (min: number, max: number, unit: string) =>
  z
    .number({ error: `must be a whole number of ${unit} from ${min} to ${max}` })
    .int({ error: `must be a whole number of ${unit} from ${min} to ${max}` })
    .min(min, { error: `must be a whole number of ${unit} from ${min} to ${max}` })
    .max(max, { error: `must be a whole number of ${unit} from ${min} to ${max}` });

/** A non-empty list of e-mail addresses (SNS subscribers). */
export const emailList = z
  .array(z.email({ error: 'must be an e-mail address' }), { error: 'must be a list of e-mail addresses' })
  .min(1, { error: 'must list at least one e-mail address' });

/** A domain name, normalised (shared/dkim/domain.ts); its own error message when it is not one. */
export const domainName = z
  .string({ error: 'must be a domain name such as example.jp' })
  .transform((value, context) => {
    try {
      return normaliseDomain(value);
    } catch (error) {
      context.issues.push({ code: 'custom', message: (error as Error).message, input: value });
      return z.NEVER;
    }
  });

/** A selector prefix shared/dkim/selector.ts accepts. */
export const selectorPrefix = z.string({ error: 'must be a string' }).refine(
  (value) => {
    try {
      assertValidSelectorPrefix(value);
      return true;
    } catch {
      return false;
    }
  },
  { error: `must be 1-${MAX_SELECTOR_PREFIX_LENGTH} letters, digits and inner hyphens (no dots)` },
);

/** An AWS region name AWS has (shared/aws-regions.ts), not a pattern. */
export const AwsRegionSchema = z
  .string({ error: 'must be an AWS region name' })
  .refine((region) => partitionOf(region) !== undefined, {
    error:
      'is not an AWS region: use a region name such as ap-northeast-1 (shared/aws-regions.ts lists them)',
  });

const wallTime = z
  .string({ error: 'must be a time HH:MM' })
  .regex(WALL_TIME, { error: 'must be a time HH:MM on the 24-hour clock, e.g. 02:00' });

/** An IANA time zone name the runtime knows. */
export const timeZone = z
  .string({ error: 'must be an IANA time zone name' })
  .refine(isValidTimeZone, { error: 'must be an IANA time zone name such as Asia/Tokyo' });

/** A daily apply window (config `applyWindow`; scenarios take the same shape). */
export const ApplyWindowSchema = z
  .strictObject(
    {
      start: wallTime.describe('First minute SES may be changed, HH:MM (24-hour clock).'),
      end: wallTime.describe('The window closes at this minute, HH:MM; before start: crosses midnight.'),
    },
    { error: 'must be {"start": "HH:MM", "end": "HH:MM"}' },
  )
  .refine((window) => window.start !== window.end, {
    error: 'must have different start and end (an empty window would never open)',
  });

/** What differs between the two polling schedules: the defaults and how the pauses are made. */
interface BackoffSchemaOptions {
  readonly defaults: BackoffSettings;
  /** The mechanism, for the descriptions: a Retry rule, or the workflow's own Wait loop. */
  readonly retry: boolean;
}

/** Schedule of a polling step: exponential backoff with jitter, capped. */
export const backoffSchema = ({ defaults, retry }: BackoffSchemaOptions) =>
  z.strictObject({
    initialIntervalSeconds: wholeNumber(1, 3600, 'seconds')
      .default(defaults.initialIntervalSeconds)
      .describe(
        retry
          ? 'Seconds before the first retry (Step Functions IntervalSeconds).'
          : 'Cap of the pause after the first poll, in seconds; each pause is drawn between half and all of its cap (equal jitter).',
      ),
    backoffRate: z
      .number({ error: 'must be a number from 1 to 10' })
      .min(1, { error: 'must be a number from 1 to 10' })
      .max(10, { error: 'must be a number from 1 to 10' })
      .default(defaults.backoffRate)
      .describe(
        retry
          ? 'Multiplier between two retries (Step Functions BackoffRate).'
          : 'Multiplier of the cap from one poll to the next.',
      ),
    maxDelaySeconds: wholeNumber(1, 86_400, 'seconds')
      .default(defaults.maxDelaySeconds)
      .describe(
        retry
          ? 'Longest pause between two retries (Step Functions MaxDelaySeconds; full jitter below it).'
          : 'Largest cap of a pause between two polls.',
      ),
    maxWaitHours: wholeNumber(1, 720, 'hours')
      .default(defaults.maxWaitHours)
      .describe(
        `${
          retry
            ? 'How long to keep trying before the step fails; MaxAttempts is derived from it (shared/workflow-history.ts pollAttempts).'
            : 'How long to keep polling before giving up (the loop also stops after shared/workflow-history.ts maxPolls polls).'
        } The longest possible rotation, every retry spent, must stay within ${MAX_ROTATION_HISTORY_EVENTS.toLocaleString('en-US')} execution history events (Step Functions fails an execution at ${STEP_FUNCTIONS_HISTORY_LIMIT.toLocaleString('en-US')}): short intervals need a short maxWaitHours.`,
      ),
  });
