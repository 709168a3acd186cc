/**
 * `RotationAlarms`: the one owner of every alarm of a deployment — the state machine's
 * (ExecutionsFailed, ExecutionsTimedOut), the workflow's (SuccessNoticeLost, the approval
 * endpoint's), the monitor's and the SES sending-health ones — as cdk-monitoring-constructs'
 * `AlarmFactory` is for its segments: one naming rule (`<namePrefix>-alarm-<id>`, inside the
 * grants of the alarms topic and its key), one action (the alarms topic), one set of defaults,
 * and one list the dashboard shows.
 *
 * Like `AlarmFactory`, which creates each alarm in the `alarmScope` it is given, it creates each
 * group in the scope of what the group watches (the rotation construct, the monitor): an alarm's
 * construct path makes its logical ID, and an alarm with a fixed name cannot be replaced under a
 * new logical ID (CloudFormation refuses to create the new one while the old holds the name), so
 * the paths of the deployed alarms stay as they were.
 *
 * The state machine is watched once, by whoever asks first: `ByodkimRotation` with its own
 * alarms on, or else the monitor (a `RotationMonitor` used on its own included).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { CHECK_SEVERITY, type HealthCheck } from '../../shared/monitoring/evaluate';
import { METRIC, ROTATION_FAILED_ENDINGS } from '../../shared/monitoring/metrics';
import type { SendingHealthConfig } from '../../shared/monitoring/sending-health';
import { REDRIVE_CANNOT_HELP } from '../../shared/rotation/redrive-policy';
import { alarmName, allowAlarmsToPublish } from '../alarm-delivery';
import type { RotationMetricFactory } from './metric-factory';
import { SendingHealthAlarms } from './sending-health-alarms';

/** Properties of {@link RotationAlarms}. */
export interface RotationAlarmsProps {
  /** Prefix of every alarm's name: `<namePrefix>-alarm-<id>` (the alarms topic's grants name it). */
  readonly namePrefix: string;
  /**
   * Topic every alarm notifies. Alarm notifications carry no message attribute, so it needs one
   * subscription without a filter policy. CloudWatch is allowed to publish to it (and to use
   * `encryptionKey`) for `<namePrefix>-alarm-*` when the topic and key belong to this app.
   */
  readonly alarmTopic: sns.ITopic;
  /** The topic's customer managed key. @default - the topic is not encrypted with a key of ours */
  readonly encryptionKey?: kms.IKey;
  /** The product's metrics (its namespace). */
  readonly metrics: RotationMetricFactory;
}

/** What the monitor's alarms are tuned with (RotationMonitor's props of the same names). */
export interface MonitorAlarmOptions {
  /** @default 3 */
  readonly daysUntilExpiryAlarmThreshold?: number;
  /** @default true */
  readonly heartbeatAlarm?: boolean;
}

/** Alarms of one group, in the scope they were created in. */
interface AlarmGroup {
  readonly scope: Construct;
  readonly alarms: readonly cloudwatch.IAlarm[];
}

/** Every alarm of one deployment, each notifying the alarms topic. */
export class RotationAlarms {
  /** The metrics the alarms watch (and the dashboard draws). */
  public readonly metrics: RotationMetricFactory;
  /** The SES sending-health alarms, once {@link addSendingHealth} has created them. */
  public sendingHealth?: SendingHealthAlarms;

  private readonly props: RotationAlarmsProps;
  private readonly action: cwActions.SnsAction;
  private readonly groups: AlarmGroup[] = [];
  private readonly watchedStateMachines = new Set<sfn.IStateMachine>();

  constructor(props: RotationAlarmsProps) {
    this.props = props;
    this.metrics = props.metrics;
    this.action = new cwActions.SnsAction(props.alarmTopic);
    allowAlarmsToPublish(props.alarmTopic, props.encryptionKey, props.namePrefix);
  }

  /**
   * The state machine's ExecutionsFailed and ExecutionsTimedOut, in `scope`; nothing when this
   * owner already watches `stateMachine`. ExecutionsFailed counts every failed execution: Step
   * Functions emits it for the execution itself, so no path (a Fail state, or a task error
   * nothing caught, where no task of ours runs to count) escapes it.
   */
  public addStateMachineAlarms(
    scope: Construct,
    stateMachine: sfn.IStateMachine,
  ): Record<string, cloudwatch.Alarm> {
    if (this.watchedStateMachines.has(stateMachine)) return {};
    this.watchedStateMachines.add(stateMachine);
    return this.group(scope, (alarm) => {
      alarm(
        'ExecutionsFailedAlarm',
        stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
        `A rotation execution failed. Counts every failed execution, whatever its ending: each Fail state (${REDRIVE_CANNOT_HELP.join(', ')}) and a task error nothing caught (e.g. VerifyDnsRecord giving up before SES was touched). Timed-out and aborted executions are counted by ExecutionsTimedOut and ExecutionsAborted instead. Read how it ended: byodkim history <domain>; runbook, "How a rotation ended".`,
      );
      alarm(
        'ExecutionsTimedOutAlarm',
        stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
        'A rotation timed out: read the execution graph and the runbook.',
      );
    });
  }

  /** The workflow's own alarms, in `scope`: a lost success notice and approval endpoint failures. */
  public addWorkflowAlarms(
    scope: Construct,
    approvalEndpoint: lambda.IFunction,
  ): Record<string, cloudwatch.Alarm> {
    return this.group(scope, (alarm) => {
      alarm(
        'SuccessNoticeLostAlarm',
        this.metrics.successNoticeLost(),
        'A rotation succeeded (SES signs with the new key in every region) but its success notice could not be sent to the operators and the DNS team: tell them by hand (the execution history names the domain and the error), then fix the SNS delivery. Nothing was rolled back.',
      );
      alarm(
        'ApprovalEndpointFailuresAlarm',
        this.metrics.approvalEndpointFailures(approvalEndpoint),
        'The approval endpoint answered "temporarily unavailable" or failed without an answer: the DNS team cannot approve until it works again. Read its log.',
      );
    });
  }

  /** The SES sending-health alarms (config `sendingHealth`, enabled), as construct `id` in `scope`. */
  public addSendingHealth(scope: Construct, id: string, settings: SendingHealthConfig): SendingHealthAlarms {
    const sendingHealth = new SendingHealthAlarms(scope, id, {
      settings,
      namePrefix: this.props.namePrefix,
      alarmTopic: this.props.alarmTopic,
      metricsNamespace: this.metrics.namespace,
    });
    this.sendingHealth = sendingHealth;
    this.groups.push({ scope, alarms: sendingHealth.allAlarms });
    return sendingHealth;
  }

  /**
   * The monitor's alarms, in `scope`: one per health check above INFO, expiry, DNS consistency,
   * key generation, failed and rolled-back rotations, the monitor's errors and its heartbeat.
   */
  public addMonitorAlarms(
    scope: Construct,
    monitorFunction: lambda.IFunction,
    options: MonitorAlarmOptions = {},
  ): Record<string, cloudwatch.Alarm> {
    const metrics = this.metrics;
    const threshold = options.daysUntilExpiryAlarmThreshold ?? 3;
    return this.group(scope, (alarm) => {
      for (const [check, severity] of Object.entries(CHECK_SEVERITY) as [HealthCheck, string][]) {
        if (severity === 'INFO') continue;
        alarm(
          `${pascal(check)}Alarm`,
          metrics.healthCheckFindings(check),
          `[${severity}] Monitor finding ${check} on at least one domain: the monitor's notification names the domain; see docs/monitoring.md.`,
        );
      }
      alarm(
        'DaysUntilExpiryAlarm',
        metrics.fleet(METRIC.DaysUntilExpiry, 'Minimum'),
        `[CRITICAL] A DKIM certificate has ${threshold} day(s) or fewer left: its rotation did not complete in time.`,
        { threshold, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD },
      );
      alarm(
        'DnsRecordConsistencyAlarm',
        metrics.fleet(METRIC.DnsRecordConsistency, 'Minimum'),
        '[CRITICAL] A DKIM record served by DNS disagrees with the key store (see the monitor notification).',
        { comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD },
      );
      alarm(
        'KeyGenerationFailedAlarm',
        metrics.fleet(METRIC.KeyGenerationStatus, 'Minimum'),
        '[CRITICAL] GenerateKey could not store a key (KeyGenerationStatus 0).',
        { comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD },
      );
      alarm(
        'RotationFailedAlarm',
        metrics.fleet(METRIC.RotationFailed, 'Sum'),
        `[CRITICAL] NotifyFailure reported a rotation ending in ${ROTATION_FAILED_ENDINGS.join(' or ')}: RollbackFailed means SES signing was not restored (act now); OldKeyNotRetired means the new key signs and the old record is not confirmed gone. Only these endings count here: ExecutionsFailed (ExecutionsFailedAlarm) counts every failed execution, rejected, expired and failed before SES included.`,
      );
      alarm(
        'RotationRolledBackAlarm',
        metrics.fleet(METRIC.RotationRolledBack, 'Sum'),
        '[CRITICAL] A rotation was rolled back after ApplyToSes: SES signs with the previous key again.',
      );
      alarm(
        'MonitorErrorsAlarm',
        monitorFunction.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
        '[CRITICAL] The monitor function failed: expiry and health are not being watched. Read its log.',
      );
      if (options.heartbeatAlarm ?? true) {
        alarm(
          'MonitorNotRunAlarm',
          monitorFunction.metricInvocations({ period: Duration.days(1), statistic: 'Sum' }),
          '[CRITICAL] The monitor has not run for two days: check the schedule.',
          {
            evaluationPeriods: 2,
            comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          },
        );
      }
    });
  }

  /**
   * Every alarm for a dashboard built in `scope`: the alarms created in that scope first (the
   * monitor's own), then every other in the order they were added.
   */
  public alarmsFor(scope: Construct): cloudwatch.IAlarm[] {
    const own = this.groups.filter((group) => group.scope === scope);
    const others = this.groups.filter((group) => group.scope !== scope);
    return [...own, ...others].flatMap((group) => group.alarms);
  }

  /**
   * Creates one group of alarms in `scope` with the shared defaults (≥ 1 in one period, missing
   * data not breaching, the alarms topic as action) and records it.
   */
  private group(
    scope: Construct,
    build: (
      alarm: (
        id: string,
        metric: cloudwatch.IMetric,
        description: string,
        options?: Partial<cloudwatch.AlarmProps>,
      ) => void,
    ) => void,
  ): Record<string, cloudwatch.Alarm> {
    const created: Record<string, cloudwatch.Alarm> = {};
    build((id, metric, description, options = {}) => {
      const alarm = new cloudwatch.Alarm(scope, id, {
        alarmName: alarmName(this.props.namePrefix, id),
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
        ...options,
      });
      alarm.addAlarmAction(this.action);
      created[id] = alarm;
    });
    this.groups.push({ scope, alarms: Object.values(created) });
    return created;
  }
}

/** `dkim-record-missing` → `DkimRecordMissing`. */
function pascal(kebab: string): string {
  return kebab
    .split('-')
    .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}`)
    .join('');
}
