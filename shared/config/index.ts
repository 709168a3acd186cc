/**
 * The one configuration schema: global settings and one entry per domain, with their defaults.
 *
 * Every timing the product uses (alert lead time, certificate validity, reminders, retention,
 * retry schedules, health-check thresholds) is defined here and nowhere else. The CDK app
 * validates the config at synth time, so a bad value fails the build with a message that names the
 * field, the value and what is allowed.
 *
 * Each field's `.describe()` / `.meta({ description, allowed })` is its documentation:
 * docs/configuration.md is generated from this schema (`npx tsx scripts/generate-config-reference.ts`)
 * and tests/unit/config-reference.test.ts fails when it is stale. Metadata never changes validation.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { partitionOf } from '../aws-regions';
import { isValidTimeZone } from '../dkim/calendar';
import { DEFAULT_CERTIFICATE_VALIDITY_DAYS } from '../dkim/certificate';
import { normaliseDomain } from '../dkim/domain';
import { DEFAULT_KEY_LENGTH, SUPPORTED_KEY_LENGTHS } from '../dkim/keys';
import { assertValidSelectorPrefix, MAX_SELECTOR_PREFIX_LENGTH } from '../dkim/selector';
import { InvalidInputError } from '../errors';
import { SendingHealthSchema } from '../monitoring/sending-health';
import { WALL_TIME } from '../rotation/apply-window';
import { DEFAULT_SES_CONFIRMATION } from '../rotation/poll-schedule';
import { printable } from '../sanitise';
import {
  type BackoffSettings,
  MAX_ROTATION_HISTORY_EVENTS,
  STEP_FUNCTIONS_HISTORY_LIMIT,
  worstCaseHistoryEvents,
} from '../workflow-history';

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const wholeNumber = (min: number, max: number, unit: string) =>
  z
    .number({ error: `must be a whole number of ${unit} from ${min} to ${max}` })
    .int({ error: `must be a whole number of ${unit} from ${min} to ${max}` })
    .min(min, { error: `must be a whole number of ${unit} from ${min} to ${max}` })
    .max(max, { error: `must be a whole number of ${unit} from ${min} to ${max}` });

const emailList = z
  .array(z.email({ error: 'must be an e-mail address' }), { error: 'must be a list of e-mail addresses' })
  .min(1, { error: 'must list at least one e-mail address' });

const domainName = z
  .string({ error: 'must be a domain name such as example.jp' })
  .transform((value, context) => {
    try {
      return normaliseDomain(value);
    } catch (error) {
      context.issues.push({ code: 'custom', message: (error as Error).message, input: value });
      return z.NEVER;
    }
  });

const selectorPrefix = z.string({ error: 'must be a string' }).refine(
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

const timeZone = z
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
const backoffSchema = ({ defaults, retry }: BackoffSchemaOptions) =>
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

/** Settings of one domain whose DKIM key is rotated. */
export const DomainConfigSchema = z
  .strictObject({
    domain: domainName.meta({
      description: 'The SES identity (mail domain). Normalised to lower-case A-labels, trailing dot removed.',
      allowed: 'a domain name such as example.jp (IDN allowed)',
    }),
    regions: z
      .array(AwsRegionSchema, { error: 'must be a list of AWS region names' })
      .min(1, { error: 'must list at least one region' })
      .refine((regions) => new Set(regions).size === regions.length, { error: 'must not repeat a region' })
      .refine((regions) => new Set(regions.map(partitionOf)).size <= 1, {
        error:
          'must all be in one AWS partition (aws, aws-cn, aws-us-gov…): a stack runs in one partition; deploy one stack per partition',
      })
      .default(['ap-northeast-1'])
      .meta({
        description:
          "SES regions where the identity exists: the new key is applied, confirmed and rolled back in each; a failure in one rolls back all. All in the deployment's partition.",
        allowed:
          'list of AWS region names such as ap-northeast-1 (shared/aws-regions.ts, the AWS CDK region table); at least one, no repeats, one partition',
      }),
    selectorPrefix: selectorPrefix.meta({
      description:
        'Selectors are `<selectorPrefix>-<yyyymmdd>-<n>` (date on the `timeZone` calendar), e.g. gooid-21-pro-20261123-1.',
      allowed: `1-${MAX_SELECTOR_PREFIX_LENGTH} letters, digits and inner hyphens (no dots)`,
    }),
    keyLength: z
      .union(
        SUPPORTED_KEY_LENGTHS.map((length) => z.literal(length)),
        { error: `must be ${SUPPORTED_KEY_LENGTHS.join(' or ')}` },
      )
      .default(DEFAULT_KEY_LENGTH)
      .describe('RSA key length of new keys; SES accepts 1024 or 2048 bits.'),
    certificateValidityDays: wholeNumber(2, 3650, 'days')
      .default(DEFAULT_CERTIFICATE_VALIDITY_DAYS)
      .describe("Validity of each new key's self-signed certificate; the monitor counts days to its expiry."),
    renewalAlertDays: wholeNumber(1, 3649, 'days')
      .default(16)
      .describe(
        'The monitor starts a rotation when the ACTIVE certificate has this many days left (two weeks of DNS lead time plus margin). Must be less than certificateValidityDays.',
      ),
    rotationMode: z
      .enum(['MANUAL', 'AUTO'], { error: 'must be MANUAL or AUTO' })
      .default('MANUAL')
      .describe(
        "MANUAL: the DNS team publishes the record and approves; the workflow then verifies. AUTO: the workflow publishes the record in the domain's Route 53 hosted zone (CREATE, never overwriting another value), tells the DNS team, verifies it on every authoritative name server like MANUAL, and removes the old record itself after the retention wait.",
      ),
    hostedZoneId: z
      .string({ error: 'must be a Route 53 hosted zone id' })
      .regex(/^Z[A-Z0-9]{1,31}$/, { error: 'must be a Route 53 hosted zone id such as Z0123456789ABC' })
      .optional()
      .describe(
        'Route 53 hosted zone holding <selector>._domainkey.<domain>; required when rotationMode is AUTO (the stack grants TXT changes under _domainkey.<domain> in this zone, nothing else).',
      ),
    dnsTeamEmails: emailList.describe(
      "Who publishes DNS records and approves: subscribed (per domain) to the DNS team's SNS topic.",
    ),
    opsEmails: emailList.describe(
      "Who is told about failures, findings and alarms: subscribed (per domain) to the operators' SNS topic.",
    ),
    retentionDays: wholeNumber(1, 90, 'days')
      .default(7)
      .describe(
        'Days to keep the old record published after SES confirmed the new key (WaitRetention), before RetireOldKey asks for its removal.',
      ),
    reminderAfterHours: wholeNumber(1, 720, 'hours')
      .default(72)
      .describe(
        "Hours NotifyDnsTeam waits for the DNS team's decision; then the link expires and SendReminder sends a new one.",
      ),
    maxReminders: wholeNumber(0, 10, 'reminders')
      .default(3)
      .describe(
        'Reminders before the rotation ends as ApprovalExpired (SES untouched, the new key ABANDONED).',
      ),
    applyWindow: ApplyWindowSchema.optional().meta({
      description:
        'When ApplyToSes may change SES, daily, in `timeZone` (mail may go out unsigned while SES looks for the new record: pick a quiet period). After VerifyDnsRecord the workflow waits for the next opening (WaitForApplyWindow) and checks the record on every name server again before applying. Absent: apply as soon as the record is verified.',
      allowed: '{"start": "HH:MM", "end": "HH:MM"}, e.g. {"start": "02:00", "end": "04:00"}; different times',
    }),
    language: z
      .enum(['ja', 'en', 'both'], { error: 'must be ja, en or both' })
      .default('both')
      .describe('Language of notifications and the approval page (both: 日本語 then English).'),
  })
  .superRefine((domain, context) => {
    if (domain.renewalAlertDays >= domain.certificateValidityDays) {
      context.addIssue({
        code: 'custom',
        path: ['renewalAlertDays'],
        input: domain.renewalAlertDays,
        message: `must be less than certificateValidityDays (${domain.certificateValidityDays}), or every day is an alert`,
      });
    }
    if (domain.rotationMode === 'AUTO' && domain.hostedZoneId === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['hostedZoneId'],
        input: domain.hostedZoneId,
        message: 'is required when rotationMode is AUTO (records are published through Route 53)',
      });
    }
  });

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

/** One domain's settings, defaults applied. */
export type DomainConfig = z.output<typeof DomainConfigSchema>;
/** The whole configuration, defaults applied. */
export type RotationConfig = z.output<typeof RotationConfigSchema>;
/** The configuration as written in a file (defaults optional). */
export type RotationConfigInput = z.input<typeof RotationConfigSchema>;

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : text === '' ? String(part) : `${text}.${String(part)}`,
    '',
  );
}

/** The value as JSON, escaped to printable ASCII (a value may hold line breaks or invisible text) and cut short. */
function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = printable(JSON.stringify(value) ?? String(value), 10_000);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/**
 * Formats schema problems as one line each: `domains[0].keyLength = 4096: must be 1024 or 2048`.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  root = 'config',
  reference = 'docs/configuration.md',
): string[] {
  return issues.map((issue) => {
    const path = formatPath([root, ...issue.path]);
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown setting(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}: check the spelling against ${reference}`;
    }
    return `${path} = ${formatValue(issue.input)}: ${issue.message}`;
  });
}

/**
 * Validates raw configuration (parsed JSON) and applies defaults.
 * @param source names the origin in the error (a file path), so the message says where to look.
 * @throws InvalidInputError listing every problem, one per line.
 */
export function parseConfig(raw: unknown, source = 'config'): RotationConfig {
  const result = RotationConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const lines = describeIssues(result.error.issues);
    throw new InvalidInputError(`Invalid configuration in ${source}:\n  - ${lines.join('\n  - ')}`);
  }
  return result.data;
}

/** Reads and validates a JSON configuration file. */
export function loadConfig(path: string): RotationConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InvalidInputError(`Cannot read configuration ${path}: ${(cause as Error).message}`, { cause });
  }
  return parseConfig(raw, path);
}

/**
 * The settings of one domain.
 * Undefined when the domain is not configured (handlers turn that into DomainNotConfigured).
 */
export function findDomainConfig(config: RotationConfig, domain: string): DomainConfig | undefined {
  const wanted = normaliseDomain(domain);
  return config.domains.find((candidate) => candidate.domain === wanted);
}
