/**
 * The monitor's decisions, pure: what to do about one domain once it was observed and evaluated.
 * No I/O, no clock (the caller passes `now`), so every decision is tested as a table.
 *
 * Two plans, because the second depends on how the first went: {@link planRotation} says whether
 * to start a rotation; once apply.ts tried (started, already running, refused), {@link planReport}
 * says which metrics to emit and which notifications to send to operators and the DNS team.
 */
import type { DomainConfig, RotationConfig } from '../../shared/config';
import {
  type DomainObservation,
  dkimVerificationValue,
  dnsRecordConsistency,
  type Finding,
  finding,
  HEALTH_CHECKS,
  isRotationDue,
} from '../../shared/monitoring/evaluate';
import { DIMENSION, METRIC, type MetricName } from '../../shared/monitoring/metrics';
import { type MonitorNotificationInput, shouldNotify } from '../../shared/monitoring/notification';
import { plannedSwitchLine } from '../../shared/notifications/common-lines';
import type { StartRotationRequest } from '../../shared/rotation/start-rotation';

/** The action the monitor took for a domain. */
export type MonitorAction = 'none' | 'started' | 'already-running';

/** How the attempt to start a rotation went (apply.ts). */
export interface RotationOutcome {
  readonly action: MonitorAction;
  /** The started execution's name. */
  readonly executionName?: string;
  /** Why a due rotation could not be started (a stable reason); `action` is then 'none'. */
  readonly startFailure?: string;
}

/** One data point for the MetricsSink. */
export interface PlannedMetric {
  readonly name: MetricName;
  readonly value: number;
  readonly unit: 'Count' | 'None';
  readonly dimensions: Readonly<Record<string, string>>;
  /** False: per-domain only, no fleet data point. @default true */
  readonly fleet?: boolean;
}

/** Who receives a notification: the operators' topic or the DNS team's. */
export type Recipient = 'ops' | 'dns-team';

/** One notification to publish. */
export interface PlannedNotification {
  readonly to: Recipient;
  readonly input: MonitorNotificationInput;
}

/** What to report for a domain, in the order to do it. */
export interface ReportPlan {
  /** The evaluation's findings and the failed start's, if any: the report's and the metrics'. */
  readonly findings: readonly Finding[];
  readonly metrics: readonly PlannedMetric[];
  readonly notifications: readonly PlannedNotification[];
}

/** What {@link planReport} decides from. */
export interface ReportInput {
  readonly domain: DomainConfig;
  readonly config: Pick<RotationConfig, 'timeZone'>;
  readonly now: Date;
  readonly observation: DomainObservation;
  /** evaluateDomainHealth's findings. */
  readonly findings: readonly Finding[];
  readonly outcome: RotationOutcome;
  /** True when a DNS team topic is configured. */
  readonly dnsTeam: boolean;
}

/** The checks the DNS team can act on: they get these findings in a message of their own. */
const DNS_TEAM_CHECKS = new Set<string>([
  HEALTH_CHECKS.DnsRecordMissing,
  HEALTH_CHECKS.OldRecordStillPublished,
]);

/** The rotation to start for `domain`: when its ACTIVE certificate is within renewalAlertDays. */
export function planRotation(
  domain: DomainConfig,
  config: Pick<RotationConfig, 'timeZone'>,
  observation: Pick<DomainObservation, 'daysUntilExpiry'>,
): StartRotationRequest | undefined {
  if (!isRotationDue(observation.daysUntilExpiry, domain.renewalAlertDays)) return undefined;
  return {
    domain: domain.domain,
    selectorPrefix: domain.selectorPrefix,
    timeZone: config.timeZone,
    requestedBy: 'monitor',
  };
}

/** Metrics, then notifications, for one domain. */
export function planReport(input: ReportInput): ReportPlan {
  const { domain, outcome } = input;
  const findings = [
    ...input.findings,
    ...(outcome.startFailure === undefined
      ? []
      : [
          finding(
            HEALTH_CHECKS.RotationStartFailed,
            `The rotation of ${domain.domain} is due but could not be started: ${outcome.startFailure}. Start it with the byodkim CLI.`,
          ),
        ]),
  ];
  return {
    findings,
    metrics: planMetrics(input.observation, findings, outcome),
    notifications: planNotifications(input, findings),
  };
}

/**
 * The domain's data points: RotationStarted first (as soon as the start is known), then the
 * state of the certificate, SES, DNS and one HealthCheckFindings per finding.
 */
function planMetrics(
  observation: DomainObservation,
  findings: readonly Finding[],
  outcome: RotationOutcome,
): PlannedMetric[] {
  const byDomain = { [DIMENSION.Domain]: observation.domain };
  const days = observation.daysUntilExpiry;
  const consistency = dnsRecordConsistency(observation.keys);
  return [
    ...(outcome.action === 'started' ? [count(METRIC.RotationStarted, byDomain)] : []),
    ...(days === undefined ? [] : [gauge(METRIC.DaysUntilExpiry, days, byDomain)]),
    ...observation.ses.flatMap((observed) =>
      observed.kind === 'read'
        ? [
            gauge(METRIC.DkimVerificationStatus, dkimVerificationValue(observed.signing.status), {
              ...byDomain,
              [DIMENSION.Region]: observed.region,
            }),
          ]
        : [],
    ),
    ...(consistency === undefined ? [] : [gauge(METRIC.DnsRecordConsistency, consistency, byDomain)]),
    // Per domain and check, and per check: the Check-only point is this metric's fleet view
    // (metrics.ts), so neither asks the sink for its service-only copy.
    ...findings.flatMap((found) => [
      { ...count(METRIC.HealthCheckFindings, { ...byDomain, [DIMENSION.Check]: found.check }), fleet: false },
      { ...count(METRIC.HealthCheckFindings, { [DIMENSION.Check]: found.check }), fleet: false },
    ]),
  ];
}

/** Operators get every notification; the DNS team a copy holding only the findings it can act on. */
function planNotifications(input: ReportInput, findings: readonly Finding[]): PlannedNotification[] {
  const { domain, outcome } = input;
  const message: MonitorNotificationInput = {
    domain: domain.domain,
    findings,
    daysUntilExpiry: input.observation.daysUntilExpiry ?? null,
    action: outcome.action,
    executionName: outcome.executionName,
    ...(outcome.action === 'started'
      ? {
          plannedSwitch: plannedSwitchLine(
            domain.applyWindow === undefined
              ? undefined
              : { ...domain.applyWindow, timeZone: input.config.timeZone },
            input.now,
          ),
        }
      : {}),
  };
  if (!shouldNotify(message)) return [];
  const forDnsTeam = findings.filter((found) => DNS_TEAM_CHECKS.has(found.check));
  return [
    { to: 'ops', input: message },
    ...(input.dnsTeam && forDnsTeam.length > 0
      ? [{ to: 'dns-team' as const, input: { ...message, findings: forDnsTeam, action: 'none' as const } }]
      : []),
  ];
}

function count(name: MetricName, dimensions: Readonly<Record<string, string>>): PlannedMetric {
  return { name, value: 1, unit: 'Count', dimensions };
}

function gauge(name: MetricName, value: number, dimensions: Readonly<Record<string, string>>): PlannedMetric {
  return { name, value, unit: 'None', dimensions };
}
