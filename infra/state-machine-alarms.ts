import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { REDRIVE_CANNOT_HELP } from '../shared/rotation/redrive-policy';

/** One alarm to create: construct id, metric and what operators read. */
export interface AlarmSpec {
  readonly id: string;
  readonly metric: cloudwatch.IMetric;
  readonly description: string;
}

/**
 * The rotation state machine's own alarms (ExecutionsFailed, ExecutionsTimedOut), defined once for
 * ByodkimRotation and for a RotationMonitor used on its own. ExecutionsFailed is the failure metric
 * that counts every failed execution: Step Functions emits it for the execution itself, so no path
 * (a Fail state, or a task error nothing caught, where no task of ours runs to count) escapes it.
 */
export function stateMachineAlarmSpecs(stateMachine: sfn.IStateMachine): AlarmSpec[] {
  return [
    {
      id: 'ExecutionsFailedAlarm',
      metric: stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      description: `A rotation execution failed. Counts every failed execution, whatever its ending: each Fail state (${REDRIVE_CANNOT_HELP.join(', ')}) and a task error nothing caught (e.g. VerifyDnsRecord giving up before SES was touched). Timed-out and aborted executions are counted by ExecutionsTimedOut and ExecutionsAborted instead. Read how it ended: byodkim history <domain>; runbook, "How a rotation ended".`,
    },
    {
      id: 'ExecutionsTimedOutAlarm',
      metric: stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
      description: 'A rotation timed out: read the execution graph and the runbook.',
    },
  ];
}
