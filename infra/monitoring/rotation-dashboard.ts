/**
 * `RotationDashboard`: the rotation's one CloudWatch dashboard — every alarm's state, the state
 * machine's executions, rotations, expiry, DKIM verification, DNS consistency, findings by check
 * and the monitor function, then the SES sending-health row when those alarms exist. Its metrics
 * come from `RotationMetricFactory` and its alarms from `RotationAlarms`, as the dashboard
 * segments of cdk-monitoring-constructs draw what their metric factory and alarm factory made.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RotationConfig } from '../../shared/config';
import { METRIC, ROTATION_FAILED_ENDINGS } from '../../shared/monitoring/metrics';
import type { RotationMetricFactory } from './metric-factory';
import type { SendingHealthAlarms } from './sending-health-alarms';

/** Properties of {@link RotationDashboard}. */
export interface RotationDashboardProps {
  /** The configuration: schedule, time zone, domains and their `renewalAlertDays`. */
  readonly config: RotationConfig;
  /** The product's metrics. */
  readonly metrics: RotationMetricFactory;
  /** The rotation state machine (its executions graph). */
  readonly stateMachine: sfn.IStateMachine;
  /** The monitor function (invocations, errors, duration). */
  readonly monitorFunction: lambda.IFunction;
  /** The alarms of the status widget, in the order shown. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** The SES sending-health alarms, whose row ends the dashboard. @default - no such row */
  readonly sendingHealth?: SendingHealthAlarms;
  /** Name of the dashboard. */
  readonly dashboardName: string;
}

/** The rotation's dashboard. */
export class RotationDashboard extends Construct {
  /** The CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: RotationDashboardProps) {
    super(scope, id);
    const { config, metrics } = props;
    const namespace = metrics.namespace;
    const sm = props.stateMachine;
    const fn = props.monitorFunction;
    const smMetric = (make: (options: cloudwatch.MetricOptions) => cloudwatch.Metric, label: string) =>
      make.call(sm, { period: Duration.hours(1), statistic: 'Sum', label });
    // 'Default' is left out of logical IDs: the dashboard keeps the ID it had when it was created
    // directly in the monitor (`<monitor>/Dashboard`), so CloudFormation updates it in place.
    this.dashboard = new cloudwatch.Dashboard(this, 'Default', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(14),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# BYODKIM rotation\nMonitor: \`${config.schedule.expression}\` (${config.schedule.timeZone}), ${config.domains.length} domain(s), namespace \`${namespace}\`. Runbook: docs/monitoring.md`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 6 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Rotation state machine: executions',
        left: [
          smMetric(sm.metricStarted, 'Started'),
          smMetric(sm.metricSucceeded, 'Succeeded'),
          smMetric(sm.metricFailed, 'Failed'),
          smMetric(sm.metricTimedOut, 'TimedOut'),
          smMetric(sm.metricAborted, 'Aborted'),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Rotations',
        left: [
          metrics.fleet(METRIC.RotationStarted, 'Sum').with({ label: 'RotationStarted' }),
          metrics.fleet(METRIC.RotationSucceeded, 'Sum').with({ label: 'RotationSucceeded' }),
          // Every failed execution, whatever its ending; RotationFailed counts two endings only.
          smMetric(sm.metricFailed, 'Failed executions, every ending (ExecutionsFailed)'),
          metrics.fleet(METRIC.RotationFailed, 'Sum').with({
            label: `RotationFailed (${ROTATION_FAILED_ENDINGS.join(', ')})`,
          }),
          metrics.fleet(METRIC.RotationRolledBack, 'Sum').with({ label: 'RotationRolledBack' }),
          metrics.fleet(METRIC.NotificationsSent, 'Sum').with({ label: 'NotificationsSent' }),
        ],
        right: [
          metrics.fleet(METRIC.KeyGenerationStatus, 'Minimum').with({ label: 'KeyGenerationStatus (min)' }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Days until expiry (fleet minimum, and per domain)',
        left: [
          metrics.fleet(METRIC.DaysUntilExpiry, 'Minimum').with({ label: 'minimum' }),
          metrics.daysUntilExpiryPerDomain(),
        ],
        leftAnnotations: [{ value: config.domains[0]?.renewalAlertDays ?? 16, label: 'renewalAlertDays' }],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'DKIM verification (1 success / 0 failed / -1 pending) and DNS consistency',
        left: [metrics.dkimVerificationPerDomain('per domain and region')],
        right: [
          metrics.fleet(METRIC.DnsRecordConsistency, 'Minimum').with({ label: 'DnsRecordConsistency (min)' }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Health check findings by check',
        left: [metrics.healthCheckFindingsByCheck()],
        stacked: true,
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Monitor function',
        left: [
          fn.metricInvocations({ period: Duration.hours(1), statistic: 'Sum' }),
          fn.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
          metrics.fleet(METRIC.DomainsChecked, 'Sum').with({ label: 'DomainsChecked' }),
        ],
        right: [fn.metricDuration({ period: Duration.hours(1), statistic: 'Maximum' })],
        width: 12,
      }),
    );
    props.sendingHealth?.addToDashboard(this.dashboard);
  }
}
