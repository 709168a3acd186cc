/**
 * The properties of `RotationMonitor` and their validation at synth (one problem per line,
 * naming the prop and the fix).
 */
import { type Duration, type RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { RotationConfig } from '../shared/config';
import type { DeployedConfig } from './deployed-config';
import type { DnsCheckVpc } from './dns-check-network';
import type { RotationAlarms } from './monitoring/rotation-alarms';
import { checkSharedProps } from './prop-checks';
import type { SesIdentityScope } from './ses-identity-scope';

/** Properties of {@link RotationMonitor}. */
export interface RotationMonitorProps {
  /** The validated configuration: domains, regions, schedule, time zone, thresholds, namespace. */
  readonly config: RotationConfig;
  /**
   * The deployed configuration object the function reads its domains from (ByodkimRotation passes
   * its own). @default - a new one for `config`, written to `bucket`
   */
  readonly configuration?: DeployedConfig;
  /** Which SES identities the monitor may read (see `ByodkimRotationProps.sesIdentityScope`). @default 'identities' */
  readonly sesIdentityScope?: SesIdentityScope;
  /** The key store; the monitor only reads certificates, metadata and DNS requests (never private keys). */
  readonly bucket: s3.IBucket;
  /** The rotation state machine the monitor starts and whose executions it lists. */
  readonly stateMachine: sfn.IStateMachine;
  /** Operators' topic: every monitor notification (filtered per domain or not, as its owner chooses). */
  readonly operatorsTopic: sns.ITopic;
  /**
   * Topic of every alarm. Alarm notifications carry no message attribute, so it needs at least
   * one subscription without a filter policy. CloudWatch may publish to it (and use
   * `encryptionKey`) for this monitor's alarms (`<namePrefix>-alarm-*`): the statements are added
   * to the topic and key when they belong to this app, and must be added by their owner otherwise.
   * Leave it out when `alarms` is given: that owner's topic is used.
   * @default - `operatorsTopic`
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * The deployment's alarm owner: the monitor's alarms join it (named with its prefix, sent to its
   * topic), it adds the state machine's unless it already watches that state machine, and the
   * dashboard shows every alarm it holds. ByodkimRotation passes its own. One owner per monitor:
   * a second monitor's alarms would take the same names.
   * @default - a new one: alarms named with `namePrefix`, sent to `alarmTopic`
   */
  readonly alarms?: RotationAlarms;
  /**
   * DNS team's topic: the DNS findings (new record missing, old record left) are sent there too.
   * @default - operators only
   */
  readonly dnsTeamTopic?: sns.ITopic;
  /**
   * Customer managed key of the bucket and topics (decrypt to read, data keys to publish) and of
   * the monitor's log group.
   * @default - no KMS permission; the log group uses CloudWatch's own encryption
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Prefix of resource names; the function is `<prefix>-Monitor`.
   * @default 'byodkim-rotation'
   */
  readonly namePrefix?: string;
  /**
   * What happens to the monitor's log group when the stack is deleted. Its name ends in a suffix
   * new for every stack creation, so a retained group never blocks a later deployment.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Memory of the monitor function, in MiB (128-10240).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Timeout of one invocation (at most 15 minutes); a run that needs longer continues in a new
   * invocation from the first unchecked domain.
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
  /**
   * Minimum gap between two SES calls in one region (SES allows 1 request/s per account and
   * region, shared with the rotation's own calls).
   * @default Duration.millis(1100)
   */
  readonly sesRequestInterval?: Duration;
  /**
   * Reserved concurrency of the monitor function. Runs are single-flight without it (a lease
   * object in the key store, tasks/monitor/lease.ts); Lambda refuses to reserve unless 100
   * unreserved executions remain in the account afterwards, which new accounts (as few as 10 in
   * all) do not have.
   * @default - none: the function uses the account's unreserved pool
   */
  readonly reservedConcurrency?: number;
  /**
   * Domains checked at the same time by one invocation (1-64).
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Alarm when any ACTIVE certificate has this many days left or fewer (a rotation should have
   * completed long before).
   * @default 3
   */
  readonly daysUntilExpiryAlarmThreshold?: number;
  /**
   * Alarms on the state machine's ExecutionsFailed and ExecutionsTimedOut. An `alarms` owner that
   * already watches the state machine keeps its own and adds none; turn off when the construct
   * that owns the state machine alarms on them outside any `RotationAlarms` (pass those alarms in
   * `additionalAlarms` to keep them on the dashboard).
   * @default true
   */
  readonly stateMachineAlarms?: boolean;
  /**
   * Alarm when the monitor has not run for two days (a schedule that was meant to be daily).
   * Turn off for schedules less frequent than daily.
   * @default true
   */
  readonly heartbeatAlarm?: boolean;
  /**
   * Other alarms to show on the dashboard (e.g. the approval endpoint's).
   * @default - none
   */
  readonly additionalAlarms?: readonly cloudwatch.IAlarm[];
  /**
   * Name of the dashboard.
   * @default - `<namePrefix>`
   */
  readonly dashboardName?: string;
  /**
   * Whether the schedule is enabled.
   * @default true
   */
  readonly scheduleEnabled?: boolean;
  /**
   * Directory holding package-lock.json, tasks/ and shared/ (bundling root).
   * @default - the repository root (two levels above this file)
   */
  readonly projectRoot?: string;
  /**
   * Runs the monitor in this dual-stack VPC with IPv6 egress, so its DNS checks ask every IPv6
   * address of every authoritative name server too (docs/deployment.md).
   * @default - outside any VPC: IPv4 addresses checked, IPv6 ones reported not checked
   */
  readonly dnsCheckVpc?: DnsCheckVpc;
}

/** One problem per line, naming the prop and the fix. */
export function validateRotationMonitorProps(props: RotationMonitorProps): string[] {
  const problems: string[] = [];
  checkSharedProps(props, problems);
  if (props.alarms !== undefined && props.alarmTopic !== undefined) {
    problems.push(
      "props.alarmTopic: leave it out when props.alarms is given (the alarms go to that owner's topic)",
    );
  }
  if (props.timeout !== undefined && !props.timeout.isUnresolved()) {
    const seconds = props.timeout.toSeconds();
    if (seconds < 120 || seconds > 900) {
      problems.push(
        `props.timeout = ${seconds}s: must be from 2 to 15 minutes (60 s are kept back for the domains in flight)`,
      );
    }
  }
  if (props.sesRequestInterval !== undefined && !props.sesRequestInterval.isUnresolved()) {
    const ms = props.sesRequestInterval.toMilliseconds();
    if (ms < 1000 || ms > 60_000) {
      problems.push(
        `props.sesRequestInterval = ${ms}ms: must be from 1 to 60 seconds (SES allows 1 request/s per region)`,
      );
    }
  }
  if (props.reservedConcurrency !== undefined && !Token.isUnresolved(props.reservedConcurrency)) {
    const reserved = props.reservedConcurrency;
    if (!Number.isInteger(reserved) || reserved < 1 || reserved > 1000) {
      problems.push(
        `props.reservedConcurrency = ${reserved}: must be a whole number from 1 to 1000 (0 would stop the monitor), or left out`,
      );
    }
  }
  if (props.concurrency !== undefined && !Token.isUnresolved(props.concurrency)) {
    if (!Number.isInteger(props.concurrency) || props.concurrency < 1 || props.concurrency > 64) {
      problems.push(`props.concurrency = ${props.concurrency}: must be a whole number from 1 to 64`);
    }
  }
  if (
    props.daysUntilExpiryAlarmThreshold !== undefined &&
    !Token.isUnresolved(props.daysUntilExpiryAlarmThreshold)
  ) {
    const days = props.daysUntilExpiryAlarmThreshold;
    if (!Number.isInteger(days) || days < 0 || days > 365) {
      problems.push(
        `props.daysUntilExpiryAlarmThreshold = ${days}: must be a whole number of days from 0 to 365`,
      );
    }
  }
  return problems;
}
