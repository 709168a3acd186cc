/**
 * `SendingHealthAlarms`: SES sending health beside the DKIM rotation — the account's reputation
 * rates (bounce, complaint) at three levels, a composite `SendingCritical` paging once for either
 * P1, the send success rate of a configuration set, and a dashboard row that draws the rates on
 * the time axis of the rotation switches (SigningSwitched, counted by ApplyToSes).
 *
 * Severities follow the rest of the product: the description starts with `[CRITICAL]`,
 * `[WARNING]` or `[INFO]` (P1 / P2 / P3 of the users' design) and every alarm reaches the alarms
 * topic (infra/alarm-delivery.ts). `RotationAlarms` (rotation-alarms.ts) creates it beside the
 * other alarms of the deployment; its metrics come from `RotationMetricFactory`. The two P1 alarms have no action of their own: the composite
 * `SendingCritical` notifies for them, so one bad event pages once (CloudWatch API Reference,
 * PutCompositeAlarm: "create multiple metric alarms, and also create a composite alarm and set up
 * alerts only for the composite alarm"). A composite alarm publishes as itself, its ARN
 * `…:alarm:<name>`, so the alarms topic's `<prefix>-alarm-*` grants cover it.
 * Every alarm is named `<prefix>-alarm-<id>`, inside the grants of the alarms topic and its key.
 *
 * SES's reputation metrics are per account **and region**: these alarms watch the stack's region
 * only (docs/monitoring.md, "Sending health").
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { describeIssues } from '../../shared/config';
import {
  LEVEL_SEVERITY,
  SENDING_LEVELS,
  SES_EVENT_METRIC,
  SES_REPUTATION_METRIC,
  type SendingHealthConfig,
  SendingHealthSchema,
  type SendingLevel,
} from '../../shared/monitoring/sending-health';
import { alarmName } from '../alarm-delivery';
import { RotationMetricFactory } from './metric-factory';

/** Properties of {@link SendingHealthAlarms}. */
export interface SendingHealthAlarmsProps {
  /**
   * Config `sendingHealth` (defaults applied): thresholds, periods, configuration set. Validated
   * again here; `enabled` is the caller's decision (ByodkimRotation creates this construct only
   * when it is true), so a construct created with `enabled: false` is refused.
   */
  readonly settings: SendingHealthConfig;
  /** Prefix of the alarms' names: `<namePrefix>-alarm-<id>` (the alarms topic's grants name it). */
  readonly namePrefix: string;
  /**
   * Topic every notifying alarm publishes to. It needs an unfiltered subscription and must let
   * CloudWatch publish for `<namePrefix>-alarm-*` (AlarmTopic does both).
   */
  readonly alarmTopic: sns.ITopic;
  /** Namespace of the rotation's own metrics, where ApplyToSes counts SigningSwitched. */
  readonly metricsNamespace: string;
}

/** One problem per line, naming the prop and the fix. */
export function validateSendingHealthAlarmsProps(props: SendingHealthAlarmsProps): string[] {
  const parsed = SendingHealthSchema.safeParse(props.settings, { reportInput: true });
  if (!parsed.success) return describeIssues(parsed.error.issues, 'props.settings');
  return props.settings.enabled
    ? []
    : [
        'props.settings.enabled = false: the sending-health alarms are turned off; do not create the construct',
      ];
}

/** Construct id of the reputation alarm of `metric` at `level` (`BounceRateCriticalAlarm`). */
export function reputationAlarmId(metric: keyof typeof SES_REPUTATION_METRIC, level: SendingLevel): string {
  return `${metric}${level.charAt(0).toUpperCase()}${level.slice(1)}Alarm`;
}

/** Construct id of the composite P1 alarm. */
export const SENDING_CRITICAL_ID = 'SendingCriticalAlarm';
/** Construct id of the configuration set's success-rate alarm. */
export const SEND_SUCCESS_RATE_ID = 'SendSuccessRateAlarm';

/** A fraction as the percentage people read (0.0005 → "0.05 %"). */
export function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))} %`;
}

const RATE_TITLES = {
  BounceRate: { ja: 'バウンス率', en: 'bounce rate' },
  ComplaintRate: { ja: '苦情率', en: 'complaint rate' },
} as const;

/** The SES sending-health alarms and their dashboard row. */
export class SendingHealthAlarms extends Construct {
  /** Every metric alarm, by construct id (the two P1 members included). */
  public readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** `SendingCritical`: P1 bounce OR P1 complaint; the one that pages for both. */
  public readonly critical: cloudwatch.CompositeAlarm;
  /** Every alarm of this construct, composite first, for a dashboard's alarm status widget. */
  public readonly allAlarms: readonly cloudwatch.IAlarm[];

  private readonly props: SendingHealthAlarmsProps;
  private readonly metrics: RotationMetricFactory;

  constructor(scope: Construct, id: string, props: SendingHealthAlarmsProps) {
    super(scope, id);
    const problems = validateSendingHealthAlarmsProps(props);
    if (problems.length > 0) {
      throw new Error(
        `Invalid SendingHealthAlarms props at ${this.node.path}:\n  - ${problems.join('\n  - ')}`,
      );
    }
    this.props = props;
    this.metrics = new RotationMetricFactory(props.metricsNamespace);
    const { settings, namePrefix } = props;
    const action = new cwActions.SnsAction(props.alarmTopic);
    const alarms: Record<string, cloudwatch.Alarm> = {};

    for (const metric of ['BounceRate', 'ComplaintRate'] as const) {
      const thresholds = metric === 'BounceRate' ? settings.bounceRate : settings.complaintRate;
      for (const level of SENDING_LEVELS) {
        const alarmId = reputationAlarmId(metric, level);
        const periods = settings.evaluationPeriods[level];
        const title = RATE_TITLES[metric];
        const threshold = thresholds[level];
        const created = new cloudwatch.Alarm(this, alarmId, {
          alarmName: alarmName(namePrefix, alarmId),
          metric: this.metrics.sesReputation(metric),
          threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: periods,
          datapointsToAlarm: periods,
          // No point is no news: SES publishes a rate only once the account has bounces or
          // complaints (SES Developer Guide, "Creating reputation monitoring alarms using CloudWatch").
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          alarmDescription: [
            `[${LEVEL_SEVERITY[level]}] SES ${title.en} (${SES_REPUTATION_METRIC[metric]}, account, this region) above ${percent(threshold)} for ${periods} × 5 min.`,
            `SES の${title.ja}が ${percent(threshold)} を超えています (${periods} × 5 分)。`,
            level === 'critical'
              ? `Notifies through ${alarmName(namePrefix, SENDING_CRITICAL_ID)}. / 通知は SendingCritical から届きます。`
              : '',
            'First: did a DKIM rotation switch just before (dashboard: SigningSwitched)? Runbook: "Sending health alarms". / まずダッシュボードで直前の DKIM 切り替えを確認し、runbook「Sending health alarms」に従ってください。',
          ]
            .filter(Boolean)
            .join(' '),
        });
        // The P1 members page through the composite only: one event, one page.
        if (level !== 'critical') created.addAlarmAction(action);
        alarms[alarmId] = created;
      }
    }

    const bounceCritical = alarms[reputationAlarmId('BounceRate', 'critical')] as cloudwatch.Alarm;
    const complaintCritical = alarms[reputationAlarmId('ComplaintRate', 'critical')] as cloudwatch.Alarm;
    this.critical = new cloudwatch.CompositeAlarm(this, SENDING_CRITICAL_ID, {
      compositeAlarmName: alarmName(namePrefix, SENDING_CRITICAL_ID),
      alarmRule: cloudwatch.AlarmRule.anyOf(
        cloudwatch.AlarmRule.fromAlarm(bounceCritical, cloudwatch.AlarmState.ALARM),
        cloudwatch.AlarmRule.fromAlarm(complaintCritical, cloudwatch.AlarmState.ALARM),
      ),
      alarmDescription: [
        `[CRITICAL] SES sending at risk: bounce rate above ${percent(settings.bounceRate.critical)} or complaint rate above ${percent(settings.complaintRate.critical)} (${settings.evaluationPeriods.critical} × 5 min; SES may review or pause the account).`,
        'SES の送信が危険な状態です (バウンス率または苦情率が P1 の閾値を超過)。',
        'Check both members (BounceRateCritical, ComplaintRateCritical) and whether a DKIM rotation switched just before. Runbook: "Sending health alarms". / 両方の元アラームと直前の DKIM 切り替えを確認してください。',
      ].join(' '),
    });
    this.critical.addAlarmAction(action);

    if (settings.configurationSetName !== undefined) {
      const successRate = new cloudwatch.Alarm(this, SEND_SUCCESS_RATE_ID, {
        alarmName: alarmName(namePrefix, SEND_SUCCESS_RATE_ID),
        metric: this.metrics.sendSuccessRate(settings.configurationSetName),
        threshold: settings.sendSuccessRate,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // The users' design: no data is a failure. Nothing sent for 5 minutes, a wrong set name
        // or an event destination that lost its dimension all alarm instead of going quiet.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: [
          `[WARNING] SES send success rate (Delivery / Send of configuration set ${settings.configurationSetName}) below ${percent(settings.sendSuccessRate)} in 5 min, or no mail sent.`,
          `SES の配信成功率が ${percent(settings.sendSuccessRate)} を下回っています (または送信なし)。`,
          'Runbook: "Sending health alarms". / runbook「Sending health alarms」を参照してください。',
        ].join(' '),
      });
      successRate.addAlarmAction(action);
      alarms[SEND_SUCCESS_RATE_ID] = successRate;
    }

    this.alarms = alarms;
    this.allAlarms = [this.critical, ...Object.values(alarms)];
  }

  /**
   * Adds the sending-health row: per-domain DKIM verification beside the reputation rates, each
   * graph with the rotation switches (SigningSwitched per domain) on the same time axis, and,
   * with a configuration set, its event counts and success rate.
   */
  public addToDashboard(dashboard: cloudwatch.Dashboard): void {
    const { settings } = this.props;
    const metrics = this.metrics;
    const switches = () => metrics.signingSwitchesPerDomain();
    const thresholdLines = (thresholds: Record<SendingLevel, number>): cloudwatch.HorizontalAnnotation[] =>
      SENDING_LEVELS.map((level) => ({
        value: thresholds[level],
        label: `${LEVEL_SEVERITY[level]} > ${percent(thresholds[level])}`,
        color: { critical: '#d62728', warning: '#ff7f0e', info: '#1f77b4' }[level],
      }));
    const switchAxis: cloudwatch.YAxisProps = { min: 0, label: 'switches', showUnits: false };

    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `## Sending health (SES, this stack's region)\nRates are fractions of the account's mail (0.05 = 5 %). **SigningSwitched** marks each rotation switch (ApplyToSes): a bounce or complaint rise right after one points at DKIM. Runbook: "Sending health alarms".`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DKIM verification per domain (1 success / 0 failed / -1 pending) and switches',
        left: [
          // The monitor measures it once a day: hourly points, as on the monitor's own graph.
          metrics.dkimVerificationPerDomain('DkimVerificationStatus'),
        ],
        right: [switches()],
        rightYAxis: switchAxis,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: `Bounce rate (${SES_REPUTATION_METRIC.BounceRate}) and switches`,
        left: [metrics.sesReputation('BounceRate').with({ label: 'bounce rate' })],
        leftAnnotations: thresholdLines(settings.bounceRate),
        leftYAxis: { min: 0, showUnits: false },
        right: [switches()],
        rightYAxis: switchAxis,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: `Complaint rate (${SES_REPUTATION_METRIC.ComplaintRate}) and switches`,
        left: [metrics.sesReputation('ComplaintRate').with({ label: 'complaint rate' })],
        leftAnnotations: thresholdLines(settings.complaintRate),
        leftYAxis: { min: 0, showUnits: false },
        right: [switches()],
        rightYAxis: switchAxis,
        width: 8,
      }),
    );
    const configurationSet = settings.configurationSetName;
    if (configurationSet === undefined) return;
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `Configuration set ${settings.configurationSetName}: events`,
        left: Object.values(SES_EVENT_METRIC).map((name) => metrics.sesEvent(configurationSet, name)),
        right: [switches()],
        rightYAxis: switchAxis,
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: `Configuration set ${settings.configurationSetName}: send success rate (Delivery / Send)`,
        left: [metrics.sendSuccessRate(configurationSet)],
        leftAnnotations: [
          { value: settings.sendSuccessRate, label: `WARNING < ${percent(settings.sendSuccessRate)}` },
        ],
        leftYAxis: { min: 0, max: 1, showUnits: false },
        right: [switches()],
        rightYAxis: switchAxis,
        width: 12,
      }),
    );
  }
}
