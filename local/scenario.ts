/**
 * Scenarios of the local environment: what the simulated DNS team does, how SES behaves, which
 * faults are injected. One JSON file per path of the workflow, validated with the same schema
 * library as the product's configuration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ApplyWindowSchema, AwsRegionSchema, describeIssues } from '../shared/config';
import { normaliseDomain } from '../shared/dkim/domain';
import { InvalidInputError } from '../shared/errors';
import { STATE } from '../workflows/states';

/** The demo's scenario (`npm run demo`, and the local commands' default): one happy rotation. */
export const DEMO_SCENARIO = join(__dirname, 'scenarios', 'happy-path.json');

const STATE_NAMES = Object.values(STATE) as [string, ...string[]];
const millis = (max: number) => z.number().int().min(0).max(max);

const domainName = z.string().transform((value, context) => {
  try {
    return normaliseDomain(value);
  } catch (error) {
    context.issues.push({ code: 'custom', message: (error as Error).message, input: value });
    return z.NEVER;
  }
});

/** What the DNS team does when the request arrives. */
export const DnsTeamSchema = z.strictObject({
  /** approve, reject, or never answer (the rotation times out after the reminders). */
  decision: z.enum(['approve', 'reject', 'none']).default('approve'),
  /** Publish the requested record, another key, or nothing. */
  publish: z.enum(['correct', 'wrong-key', 'none']).default('correct'),
  /** Which name servers get the record: all, or the indexes of some (the others stay stale). */
  publishTo: z.union([z.literal('all'), z.array(z.number().int().min(0).max(7)).min(1)]).default('all'),
  /** Delay between the notification and the zone edit. */
  publishDelayMs: millis(600_000).default(0),
  /** Servers left out of publishTo catch up after this long (undefined: never). */
  catchUpAfterMs: millis(600_000).optional(),
  /** Approve right away, before the record is published (the workflow must wait for DNS). */
  approveBeforePublish: z.boolean().default(false),
  /** Fetch every link of every notification with GET and HEAD first, as mail scanners do. */
  linkScanner: z.boolean().default(false),
  /** Attacks on the approval endpoint; each must be refused. */
  tamper: z.array(z.enum(['forged', 'replayed', 'expired', 'other-domain'])).default([]),
  /** Remove (or revoke) the old record when asked to retire it. */
  retireOldRecord: z.enum(['remove', 'revoke', 'none']).default('remove'),
});

/** One rehearsal of a rotation. */
export const ScenarioSchema = z
  .strictObject({
    name: z.string().default('scenario'),
    description: z.string().optional(),
    domain: domainName.default('demo.example.test'),
    regions: z.array(AwsRegionSchema).min(1).default(['ap-northeast-1']),
    selectorPrefix: z.string().default('demo'),
    /** How the identity signs before the rotation: our previous external key, or Easy DKIM. */
    previousSigning: z.enum(['external', 'easy-dkim']).default('external'),
    /**
     * The domain's apply window (config `applyWindow`, read in the product's default time zone). The
     * rehearsal shortens WaitForApplyWindow and moves the task code's clock to the window's opening.
     */
    applyWindow: ApplyWindowSchema.optional(),
    /** Reminders before ApprovalExpired (the product's maxReminders). */
    maxReminders: z.number().int().min(0).max(10).default(2),
    /**
     * MANUAL: the simulated DNS team publishes and approves. AUTO: the workflow publishes through the
     * Route 53 stand-in (hosted zone of the domain) and removes the old record itself.
     */
    rotationMode: z.enum(['MANUAL', 'AUTO']).default('MANUAL'),
    route53: z
      .strictObject({
        /** How long a Route 53 change stays PENDING before the name servers serve it. */
        propagationMs: millis(600_000).default(300),
        /** Name servers after the first get each change this much later (Route 53 already says INSYNC). */
        secondaryLagMs: millis(600_000).default(0),
        /** Route 53's API rate (5 requests/s per account). */
        requestsPerSecond: z.number().min(0.1).max(1000).default(5),
      })
      .prefault({}),
    /** Authoritative name servers of the zone (separate in-process servers). */
    nameServers: z.number().int().min(1).max(8).default(2),
    /**
     * Deploy with the dnsCheckVpc prop: the DNS-checking functions get IPv6 egress and check the
     * name servers' IPv6 addresses too. Off (the default), they run on Lambda's IPv4-only network.
     */
    dnsCheckVpc: z.boolean().default(false),
    dnsTeam: DnsTeamSchema.prefault({}),
    ses: z
      .strictObject({
        /** What SES reports for the new key (FAILED forces a rollback). */
        outcome: z.enum(['SUCCESS', 'FAILED']).default('SUCCESS'),
        /**
         * How long SES takes. After every signing change (the new key, a rollback, Easy DKIM and
         * back) SES stays PENDING — sending unsigned — until `afterMs` after it first finds the
         * record served (served before the change: `afterMs` after the change). A forced FAILED
         * (`outcome`) lands `afterMs` after the switch instead.
         */
        afterMs: millis(600_000).default(0),
        /** Regions the forced outcome applies to (the others follow DNS). @default all */
        outcomeRegions: z.array(z.string()).optional(),
        /** SES identity API rate per region (SES allows 1). */
        requestsPerSecond: z.number().min(0.1).max(1000).default(1),
        /**
         * previousSigning easy-dkim: whether the domain's zone still serves Easy DKIM's three CNAME
         * records. `gone`: SES keeps signing as seeded, but a return to Easy DKIM never verifies.
         */
        easyDkimRecords: z.enum(['present', 'gone']).default('present'),
      })
      .prefault({}),
    faults: z
      .array(
        z.strictObject({
          service: z.enum(['s3', 'ses']),
          operation: z.string(),
          error: z.string(),
          times: z.number().int().min(1).max(100).default(1),
          /**
           * The error text the stand-in answers with, as AWS words it (e.g. an AccessDenied naming
           * the caller's role ARN and the account). @default - a fixed text naming the injected fault
           */
          message: z.string().min(1).max(4096).optional(),
          /**
           * Armed only once this state has run (its first StateExited): only later requests fail,
           * e.g. an S3 error after ApplyToSes. @default - armed from the start
           */
          afterState: z.enum(STATE_NAMES).optional(),
        }),
      )
      .default([]),
    /** The named state does its work, then the execution fails there (States.Runtime). */
    crashAfterState: z.enum(STATE_NAMES).optional(),
    /** Redrive a failed execution once. */
    redrive: z.boolean().default(false),
    /**
     * Rehearse a misconfigured role: an explicit Deny of these IAM actions is added to the named
     * function's role for the run, e.g. `{"GenerateKey": ["s3:ListBucket"]}` (state names, plus
     * `ApprovalEndpoint`, `Monitor` and `Operator`).
     */
    iamDeny: z
      .record(
        z.string().regex(/^[A-Z][A-Za-z]+$/, 'a state name such as GenerateKey'),
        z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z*]+$/, 'an IAM action such as s3:ListBucket')).min(1),
      )
      .default({}),
    /** Shortened waits (configuration of the rehearsal, never skipped logic). */
    timing: z
      .strictObject({
        /** Pause between DNS/SES polls (VerifyDnsRecord, ConfirmSesStatus, RetireOldKey). */
        pollMs: millis(60_000).default(40),
        /** Pause between retries of transient AWS errors (SES refills one request a second). */
        transientRetryMs: millis(60_000).default(1000),
        /**
         * The approval wait before a reminder (long enough that a busy machine never sends one the
         * scenario did not ask for; no-answer sets a short one).
         */
        approvalWaitMs: millis(600_000).default(30_000),
        /** WaitRetention. */
        retentionMs: millis(600_000).default(50),
        /** WaitForApplyWindow (the task code's clock still jumps to the window's opening). */
        applyWindowWaitMs: millis(600_000).default(50),
      })
      .prefault({}),
  })
  .superRefine((scenario, context) => {
    // A server index beyond the scenario's name servers would silently publish nowhere.
    const { publishTo } = scenario.dnsTeam;
    if (publishTo === 'all') return;
    publishTo.forEach((index, position) => {
      if (index >= scenario.nameServers) {
        context.addIssue({
          code: 'custom',
          path: ['dnsTeam', 'publishTo', position],
          input: index,
          message: `there are ${scenario.nameServers} name servers (indexes 0-${scenario.nameServers - 1})`,
        });
      }
    });
  });

/** Where the scenario format is documented (named in validation messages). */
export const SCENARIO_REFERENCE = 'the scenario files in local/scenarios/ and README.md "Local mode"';

/** A validated scenario, defaults applied. */
export type Scenario = z.output<typeof ScenarioSchema>;
/** A scenario as written in a file. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** Validates a scenario. @throws InvalidInputError listing every problem. */
export function parseScenario(raw: unknown, source = 'scenario'): Scenario {
  const result = ScenarioSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new InvalidInputError(
      `Invalid scenario ${source}:\n  - ${describeIssues(result.error.issues, 'scenario', SCENARIO_REFERENCE).join('\n  - ')}`,
    );
  }
  return result.data;
}

/** Reads and validates a scenario file. */
export function loadScenario(path: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InvalidInputError(`Cannot read scenario ${path}: ${(cause as Error).message}`, { cause });
  }
  return parseScenario(raw, path);
}
