/**
 * The whole configuration (global settings and the domain list) and the checks that span fields:
 * the execution history budget of the longest rotation and domains listed once.
 */
import { z } from 'zod';
import { SendingHealthSchema } from '../monitoring/sending-health';
import { DEFAULT_SES_CONFIRMATION } from '../rotation/poll-schedule';
import {
  type BackoffSettings,
  MAX_ROTATION_HISTORY_EVENTS,
  STEP_FUNCTIONS_HISTORY_LIMIT,
  worstCaseHistoryEvents,
} from '../workflow-history';
import { DomainConfigSchema } from './domain-schema';
import { backoffSchema, timeZone, wholeNumber } from './fields';

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The whole configuration. */
export const RotationConfigSchema = z
  .strictObject({
    schedule: z
      .strictObject({
        expression: z
          .string({ error: 'must be an EventBridge Scheduler cron(...) expression' })
          .regex(/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/, {
            error: 'must be cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 9 * * ? *)',
          })
          .default('cron(0 9 * * ? *)')
          .describe('EventBridge Scheduler cron expression of the daily monitor, read in schedule.timeZone.'),
        timeZone: timeZone.default('Asia/Tokyo').meta({
          description: 'Time zone of the cron expression (09:00 Asia/Tokyo is 00:00 UTC).',
          allowed: 'an IANA time zone name such as Asia/Tokyo',
        }),
      })
      .prefault({})
      .describe('When the monitor runs: an EventBridge Scheduler cron expression in a time zone.'),
    timeZone: timeZone.default('Asia/Tokyo').meta({
      description: 'Time zone whose calendar names selectors (yyyymmdd) and counts days to expiry.',
      allowed: 'an IANA time zone name such as Asia/Tokyo',
    }),
    logRetentionDays: z
      .union(
        LOG_RETENTION_DAYS.map((days) => z.literal(days)),
        { error: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(', ')}` },
      )
      .default(731)
      .describe('CloudWatch Logs retention of every log group (and expiry of the S3 access logs).'),
    metricsNamespace: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9._/#:-]{1,255}$/, { error: 'must be 1-255 letters, digits or . _ / # : -' })
      // CloudWatch refuses PutMetricData in a namespace beginning with "AWS/" (reserved for AWS
      // services; CloudWatch API Reference, PutMetricData, Namespace).
      .refine((namespace) => !namespace.startsWith('AWS/'), {
        error: 'must not begin with "AWS/": CloudWatch reserves those namespaces for AWS services',
      })
      .default('ByodkimRotation')
      .meta({
        description: "CloudWatch metrics namespace of the monitor's metrics and the alarms on them.",
        allowed: '1-255 letters, digits or . _ / # : -; not beginning with AWS/',
      }),
    dnsVerification: backoffSchema({
      defaults: { initialIntervalSeconds: 60, backoffRate: 2, maxDelaySeconds: 3600, maxWaitHours: 72 },
      retry: true,
    })
      .prefault({})
      .describe('Polling of the authoritative name servers after approval (VerifyDnsRecord, RetireOldKey).'),
    sesConfirmation: backoffSchema({ defaults: DEFAULT_SES_CONFIRMATION, retry: false })
      .prefault({})
      .describe(
        "Polling of SES's DKIM status after the switch (ConfirmSesStatus) and after a rollback (ConfirmRollback): a Wait loop of the workflow, seconds apart at first so the time SES took is measured to within seconds. SES itself looks for 72 h.",
      ),
    healthChecks: z
      .strictObject({
        recordMissingAlertHours: wholeNumber(1, 720, 'hours')
          .default(48)
          .describe(
            'CRITICAL finding dns-record-missing when the new record is still not served this long after the DNS request.',
          ),
        sesPendingAlertHours: wholeNumber(1, 720, 'hours')
          .default(72)
          .describe('WARNING finding ses-pending-too-long when SES stays PENDING this long.'),
        oldRecordAlertDays: wholeNumber(1, 365, 'days')
          .default(7)
          .describe(
            'WARNING finding old-record-still-published when the old record is still served this long after the switch.',
          ),
      })
      .prefault({})
      .describe("Thresholds of the monitor's health checks (docs/monitoring.md)."),
    sendingHealth: SendingHealthSchema.describe(
      'SES sending alarms beside the DKIM ones: account reputation (bounce, complaint) and, with a configuration set, the send success rate (docs/monitoring.md, "Sending health").',
    ),
    domains: z
      .array(DomainConfigSchema, { error: 'must be a list of domain settings' })
      .min(1, { error: 'must list at least one domain' })
      .describe('The domains to rotate, each listed once (see the domain table).'),
  })
  .superRefine((config, context) => {
    checkHistoryBudget(config, context);
    const seen = new Set<string>();
    config.domains.forEach((domain, index) => {
      if (seen.has(domain.domain)) {
        context.addIssue({
          code: 'custom',
          path: ['domains', index, 'domain'],
          input: domain.domain,
          message: 'appears twice: list each domain once',
        });
      }
      seen.add(domain.domain);
    });
  });

/**
 * Refuses polling settings whose longest rotation passes {@link MAX_ROTATION_HISTORY_EVENTS}
 * history events, blaming the schedule(s) that take most of the room (each message says by how
 * much and what to change).
 */
function checkHistoryBudget(
  config: {
    readonly dnsVerification: BackoffSettings;
    readonly sesConfirmation: BackoffSettings;
    readonly domains: readonly { readonly maxReminders: number; readonly applyWindow?: unknown }[];
  },
  context: z.core.$RefinementCtx,
): void {
  const worst = worstCaseHistoryEvents({
    dnsVerification: config.dnsVerification,
    sesConfirmation: config.sesConfirmation,
    maxReminders: Math.max(0, ...config.domains.map((domain) => domain.maxReminders)),
    applyWindow: config.domains.some((domain) => domain.applyWindow !== undefined),
  });
  if (worst.total <= MAX_ROTATION_HISTORY_EVENTS) return;
  const fixed = worst.total - worst.dnsPolling - worst.sesPolling;
  const room = MAX_ROTATION_HISTORY_EVENTS - fixed;
  const shares = [
    {
      field: 'dnsVerification',
      events: worst.dnsPolling,
      what:
        worst.verifications > 1
          ? `${worst.dnsAttempts} polls in each of VerifyDnsRecord (up to ${worst.verifications} times with an apply window) and RetireOldKey`
          : `${worst.dnsAttempts} polls in each of VerifyDnsRecord and RetireOldKey`,
    },
    {
      field: 'sesConfirmation',
      events: worst.sesPolling,
      what: `${worst.sesAttempts} polls in each of ConfirmSesStatus and ConfirmRollback`,
    },
  ] as const;
  for (const share of shares) {
    // The sum is over the room, so at least one share takes half of it or more.
    if (share.events * 2 < room) continue;
    const settings = config[share.field];
    context.addIssue({
      code: 'custom',
      path: [share.field, 'maxWaitHours'],
      input: settings.maxWaitHours,
      message: `${share.what} (every ${settings.initialIntervalSeconds}-${settings.maxDelaySeconds} s) make the longest rotation ${worst.total.toLocaleString('en-US')} execution history events, over the ${MAX_ROTATION_HISTORY_EVENTS.toLocaleString('en-US')} allowed (Step Functions fails an execution at ${STEP_FUNCTIONS_HISTORY_LIMIT.toLocaleString('en-US')}): lower maxWaitHours or raise initialIntervalSeconds and maxDelaySeconds`,
    });
  }
}

/** The whole configuration, defaults applied. */
export type RotationConfig = z.output<typeof RotationConfigSchema>;
/** The configuration as written in a file (defaults optional). */
export type RotationConfigInput = z.input<typeof RotationConfigSchema>;
