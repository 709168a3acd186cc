import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** One alarm to create: construct id, metric and what operators read. */
export interface AlarmSpec {
  readonly id: string;
  readonly metric: cloudwatch.IMetric;
  readonly description: string;
}

/**
 * The rotation state machine's own alarms (ExecutionsFailed, ExecutionsTimedOut), defined once for
 * ByodkimRotation and for a RotationMonitor used on its own.
 */
export function stateMachineAlarmSpecs(stateMachine: sfn.IStateMachine): AlarmSpec[] {
  return [
    {
      id: 'ExecutionsFailedAlarm',
      metric: stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      description:
        'A rotation failed (rolled back, rejected, expired, or stuck before ApplyToSes): read the execution graph and the runbook.',
    },
    {
      id: 'ExecutionsTimedOutAlarm',
      metric: stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
      description: 'A rotation timed out: read the execution graph and the runbook.',
    },
  ];
}
