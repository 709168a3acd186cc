/**
 * Sending health: the SES half of the users' monitoring page (their 監視・アラート設定書) next to
 * the DKIM half. A DKIM change that goes wrong shows up at receivers as rejects and bounces, so
 * the reputation rates are alarmed with the rotation and graphed beside its switches.
 *
 * This file holds the config section (`sendingHealth`, one part of shared/config/rotation-schema.ts)
 * and the names of the AWS metrics the alarms read; infra/monitoring/sending-health-alarms.ts builds
 * the alarms.
 *
 * What AWS documents (checked with the docs search, cited in docs/monitoring.md):
 * - SES publishes `Reputation.BounceRate` and `Reputation.ComplaintRate` to the `AWS/SES`
 *   namespace, account-wide, with no dimension; their values are **fractions from 0 to 1**
 *   ("decimal numbers between 0 and 1. Multiply … by 100 to determine the percentage": SES
 *   Developer Guide, "Creating reputation monitoring alarms using CloudWatch"). The CloudWatch
 *   User Guide's SES metrics table calls their unit "percentage"; the SES guide wins.
 * - Event metrics of a configuration set (`Send`, `Delivery`, `Bounce`, `Complaint`, `Reject`,
 *   unit Count) exist only when the set has a CloudWatch event destination, under the dimensions
 *   that destination names; the set's own name is the auto-tag `ses:configuration-set`, used as
 *   the dimension name (SES Developer Guide, "Set up a CloudWatch event destination for event
 *   publishing", "Choosing CloudWatch dimensions").
 * - A configuration set name is 1-64 letters, digits, `_` or `-` (SES API Reference,
 *   ConfigurationSet).
 */
import { z } from 'zod';

/** Namespace of SES's own metrics. */
export const SES_NAMESPACE = 'AWS/SES';

/** SES's account-level reputation metrics (no dimension; fractions 0..1). */
export const SES_REPUTATION_METRIC = {
  BounceRate: 'Reputation.BounceRate',
  ComplaintRate: 'Reputation.ComplaintRate',
} as const;

/** SES's event metrics published through a configuration set's CloudWatch event destination (Count). */
export const SES_EVENT_METRIC = {
  Send: 'Send',
  Delivery: 'Delivery',
  Bounce: 'Bounce',
  Complaint: 'Complaint',
  Reject: 'Reject',
} as const;

/** The auto-tag naming the configuration set, used as the event destination's dimension name. */
export const CONFIGURATION_SET_DIMENSION = 'ses:configuration-set';

/** Length of one evaluation period of every sending-health alarm: the users' "5 min". */
export const SENDING_HEALTH_PERIOD_SECONDS = 300;

/** CloudWatch caps period × evaluation periods at one day (PutMetricAlarm, EvaluationPeriods). */
export const MAX_EVALUATION_PERIODS = 86_400 / SENDING_HEALTH_PERIOD_SECONDS;

/** The three levels of the reputation alarms, most severe first. */
export const SENDING_LEVELS = ['critical', 'warning', 'info'] as const;
/** One level. */
export type SendingLevel = (typeof SENDING_LEVELS)[number];

/** The notification severity each level maps to (P1 / P2 / P3 in the users' design). */
export const LEVEL_SEVERITY = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' } as const;

/** The users' table: bounce > 5 % / 2 % / 1 %, complaint > 0.1 % / 0.05 % / 0.01 %, over 2 / 3 / 5 periods. */
export const SENDING_HEALTH_DEFAULTS = {
  bounceRate: { critical: 0.05, warning: 0.02, info: 0.01 },
  complaintRate: { critical: 0.001, warning: 0.0005, info: 0.0001 },
  evaluationPeriods: { critical: 2, warning: 3, info: 5 },
  sendSuccessRate: 0.95,
} as const;

const FRACTION_ERROR = 'must be a fraction from 0 to 1 (0.05 is 5 %; SES reports rates as fractions)';
const fraction = () =>
  z.number({ error: FRACTION_ERROR }).min(0, { error: FRACTION_ERROR }).max(1, { error: FRACTION_ERROR });

const periods = (level: SendingLevel) =>
  z
    .number({ error: `must be a whole number from 1 to ${MAX_EVALUATION_PERIODS}` })
    .int({ error: `must be a whole number from 1 to ${MAX_EVALUATION_PERIODS}` })
    .min(1, { error: `must be a whole number from 1 to ${MAX_EVALUATION_PERIODS}` })
    .max(MAX_EVALUATION_PERIODS, {
      error: `must be a whole number from 1 to ${MAX_EVALUATION_PERIODS} (CloudWatch evaluates at most one day of 5-minute periods)`,
    })
    .default(SENDING_HEALTH_DEFAULTS.evaluationPeriods[level])
    .describe(
      `5-minute periods, every one above its threshold, before the ${LEVEL_SEVERITY[level]} bounce and complaint alarms fire (datapoints to alarm = evaluation periods).`,
    );

/** Three thresholds of one rate, each above the next: critical > warning > info. */
const thresholds = (metric: keyof typeof SES_REPUTATION_METRIC, what: string) => {
  const defaults = SENDING_HEALTH_DEFAULTS[metric === 'BounceRate' ? 'bounceRate' : 'complaintRate'];
  const level = (name: SendingLevel, priority: string) =>
    fraction()
      .default(defaults[name])
      .describe(
        `${LEVEL_SEVERITY[name]} (${priority}) when ${SES_REPUTATION_METRIC[metric]} stays above this ${what}, as a fraction.`,
      );
  return z
    .strictObject({
      critical: level('critical', 'P1'),
      warning: level('warning', 'P2'),
      info: level('info', 'P3'),
    })
    .superRefine((levels, context) => {
      if (levels.warning >= levels.critical) {
        context.addIssue({
          code: 'custom',
          path: ['warning'],
          input: levels.warning,
          message: `must be below critical (${levels.critical}): a warning that needs a worse rate than the critical alarm never comes first`,
        });
      }
      if (levels.info >= levels.warning) {
        context.addIssue({
          code: 'custom',
          path: ['info'],
          input: levels.info,
          message: `must be below warning (${levels.warning})`,
        });
      }
    })
    .prefault({});
};

/** Config `sendingHealth`: SES sending alarms next to the rotation's (docs/monitoring.md). */
export const SendingHealthSchema = z
  .strictObject({
    enabled: z.boolean({ error: 'must be true or false' }).default(true).meta({
      description:
        "Create the SES sending-health alarms and dashboard row (in the stack's region). false: none.",
      allowed: 'true or false',
    }),
    configurationSetName: z
      .string({ error: 'must be a configuration set name' })
      .regex(/^[A-Za-z0-9_-]{1,64}$/, {
        error: 'must be 1-64 letters, digits, _ or - (an SES configuration set name)',
      })
      .optional()
      .describe(
        'SES configuration set whose CloudWatch event destination publishes Send and Delivery with the dimension ses:configuration-set: enables the SendSuccessRate alarm and the per-set graph. Absent: no success-rate alarm.',
      ),
    bounceRate: thresholds('BounceRate', 'bounce rate').describe(
      'Thresholds of Reputation.BounceRate (account, hard bounces), fractions: critical > warning > info.',
    ),
    complaintRate: thresholds('ComplaintRate', 'complaint rate').describe(
      'Thresholds of Reputation.ComplaintRate (account), fractions: critical > warning > info.',
    ),
    evaluationPeriods: z
      .strictObject({
        critical: periods('critical'),
        warning: periods('warning'),
        info: periods('info'),
      })
      .prefault({})
      .describe('How many 5-minute periods in a row each level needs, shared by bounce and complaint.'),
    sendSuccessRate: fraction()
      .default(SENDING_HEALTH_DEFAULTS.sendSuccessRate)
      .describe(
        'WARNING (P2) when Delivery / Send of the configuration set falls below this in one 5-minute period; no data (nothing sent) counts as breaching.',
      ),
  })
  .prefault({});

/** Config `sendingHealth`, defaults applied. */
export type SendingHealthConfig = z.output<typeof SendingHealthSchema>;
