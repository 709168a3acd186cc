/** The settings of one domain whose DKIM key is rotated (config `domains[]`), with their defaults. */
import { z } from 'zod';
import { partitionOf } from '../aws-regions';
import { DEFAULT_CERTIFICATE_VALIDITY_DAYS } from '../dkim/certificate';
import { DEFAULT_KEY_LENGTH, SUPPORTED_KEY_LENGTHS } from '../dkim/keys';
import { MAX_SELECTOR_PREFIX_LENGTH } from '../dkim/selector';
import {
  ApplyWindowSchema,
  AwsRegionSchema,
  domainName,
  emailList,
  selectorPrefix,
  wholeNumber,
} from './fields';

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

/** One domain's settings, defaults applied. */
export type DomainConfig = z.output<typeof DomainConfigSchema>;
