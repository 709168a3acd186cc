/**
 * RotationAlarms: one owner for every alarm of a deployment, each group created in the scope of
 * what it watches (its logical IDs unchanged), the state machine watched once.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RotationMetricFactory } from '../../infra/monitoring/metric-factory';
import { RotationAlarms } from '../../infra/monitoring/rotation-alarms';

function fixture() {
  const stack = new Stack(new App(), 'Alarms');
  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Start')),
  });
  const monitorFunction = new lambda.Function(stack, 'MonitorFunction', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  const owner = new RotationAlarms({
    namePrefix: 'test',
    alarmTopic: new sns.Topic(stack, 'AlarmsTopic'),
    metrics: new RotationMetricFactory('Byodkim/Test'),
  });
  return { stack, stateMachine, monitorFunction, owner };
}

describe('RotationAlarms', () => {
  it('alarms on a state machine once, in the scope of whoever asked first', () => {
    // GIVEN the rotation construct's scope and its monitor's
    const { stack, stateMachine, monitorFunction, owner } = fixture();
    const rotation = new Construct(stack, 'Rotation');
    const monitor = new Construct(rotation, 'Monitor');

    // WHEN the rotation adds the state machine's alarms and the monitor asks for them again
    const first = owner.addStateMachineAlarms(rotation, stateMachine);
    const second = owner.addStateMachineAlarms(monitor, stateMachine);
    owner.addMonitorAlarms(monitor, monitorFunction);

    // THEN each exists once, at the rotation's path, and a dashboard in the monitor lists its own first
    expect(Object.keys(first)).toEqual(['ExecutionsFailedAlarm', 'ExecutionsTimedOutAlarm']);
    expect(second).toEqual({});
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed' }, 1);
    expect(first.ExecutionsFailedAlarm?.node.path).toBe('Alarms/Rotation/ExecutionsFailedAlarm');
    const listed = owner.alarmsFor(monitor);
    expect(listed.at(-2)).toBe(first.ExecutionsFailedAlarm);
    expect(listed.at(-1)).toBe(first.ExecutionsTimedOutAlarm);
    expect(listed[0]?.node.scope).toBe(monitor);
  });

  it('names every alarm with its prefix and sends it to the alarms topic', () => {
    const { stack, stateMachine, monitorFunction, owner } = fixture();
    owner.addStateMachineAlarms(stack, stateMachine);
    owner.addMonitorAlarms(stack, monitorFunction, { heartbeatAlarm: false });
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmName).toMatch(/^test-alarm-[A-Za-z]+$/);
      expect(JSON.stringify(alarm.Properties.AlarmActions)).toMatch(/AlarmsTopic/);
    }
    expect(alarms.some((alarm) => alarm.Properties.MetricName === 'Invocations')).toBe(false);
  });
});
