/**
 * RotationMonitor in a small test stack (bundling skipped): schedule, IAM scoping, alarms,
 * dashboard, props validation and cdk-nag AwsSolutions. Long on purpose: one synthesis read by
 * every assertion.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ByodkimRotation } from '../../infra/byodkim-rotation';
import { RotationMetricFactory } from '../../infra/monitoring/metric-factory';
import { RotationAlarms } from '../../infra/monitoring/rotation-alarms';
import { RotationMonitor } from '../../infra/rotation-monitor';
import type { RotationMonitorProps } from '../../infra/rotation-monitor-props';
import { parseConfig, type RotationConfig } from '../../shared/config';
import { CHECK_SEVERITY } from '../../shared/monitoring/evaluate';
import { ROTATION_FAILED_ENDINGS } from '../../shared/monitoring/metrics';
import { REDRIVE_CANNOT_HELP } from '../../shared/rotation/redrive-policy';

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const baseConfig = (extra: Record<string, unknown> = {}): RotationConfig =>
  parseConfig({
    metricsNamespace: 'Byodkim/Test',
    ...extra,
    domains: [
      {
        domain: 'mail.example.jp',
        regions: ['ap-northeast-1', 'ap-northeast-3'],
        selectorPrefix: 'p',
        dnsTeamEmails: ['d@example.jp'],
        opsEmails: ['o@example.jp'],
      },
      {
        domain: 'news.example.jp',
        selectorPrefix: 'n',
        dnsTeamEmails: ['d@example.jp'],
        opsEmails: ['o@example.jp'],
      },
    ],
  });

/** A stack holding what ByodkimRotation would pass: bucket, state machine, topics, key. */
function testStack(config: RotationConfig, props: Partial<RotationMonitorProps> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'MonitorTest', { env: { account: '123456789012', region: 'ap-northeast-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'KeyStore', { encryptionKey: key, enforceSSL: true });
  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    stateMachineName: 'byodkim-rotation-test',
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Start')),
  });
  const operatorsTopic = new sns.Topic(stack, 'OperatorsTopic', { masterKey: key });
  const dnsTeamTopic = new sns.Topic(stack, 'DnsTeamTopic', { masterKey: key });
  const monitor = new RotationMonitor(stack, 'Monitor', {
    config,
    bucket,
    stateMachine,
    operatorsTopic,
    dnsTeamTopic,
    encryptionKey: key,
    namePrefix: 'byodkim-rotation-test',
    ...props,
  });
  return { stack, monitor, template: Template.fromStack(stack) };
}

function monitorStatements(template: Template): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Resources;
  return Object.entries(policies)
    .filter(([id]) => id.startsWith('MonitorRole'))
    .flatMap(([, resource]) => (resource.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe('RotationMonitor', () => {
  const { stack, template } = testStack(baseConfig());

  it('schedules the monitor at 09:00 Asia/Tokyo by default, with the scheduled instant as input', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Tokyo',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorFunction'), 'Arn'] },
        Input: JSON.stringify({ now: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 3 }),
      }),
    });
  });

  it('takes the cron expression and time zone from the config', () => {
    const { template: other } = testStack(
      baseConfig({ schedule: { expression: 'cron(30 8 ? * MON-FRI *)', timeZone: 'Europe/London' } }),
    );
    other.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 8 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/London',
    });
  });

  it('runs the monitor on Node.js 22 for up to 15 minutes, without reserved concurrency, with its settings in the environment', () => {
    // One run at a time comes from the lease (tests/tasks/monitor-lease.test.ts): reserving
    // concurrency fails in accounts with fewer than 100 unreserved executions.
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'byodkim-rotation-test-Monitor',
      Runtime: 'nodejs22.x',
      Timeout: 900,
      ReservedConcurrentExecutions: Match.absent(),
      Environment: {
        Variables: Match.objectLike({
          SES_REQUEST_INTERVAL_MS: '1100',
          MONITOR_CONCURRENCY: '8',
          POWERTOOLS_SERVICE_NAME: 'byodkim-monitor',
          POWERTOOLS_METRICS_NAMESPACE: 'Byodkim/Test',
          CONFIG_OBJECT_KEY: Match.stringLikeRegexp('^config/rotation-config-[0-9a-f]{32}\\.json$'),
          STATE_MACHINE_ARN: { Ref: Match.stringLikeRegexp('^StateMachine') },
        }),
      },
    });
  });

  it('grants read-only access to certificates, metadata and DNS requests, never private keys or approvals', () => {
    const statements = monitorStatements(template);
    const s3Actions = statements
      .filter((s) => s.Sid !== 'MonitorLease')
      .flatMap((s) => list(s.Action))
      .filter((a) => a.startsWith('s3:'));
    expect([...new Set(s3Actions)].sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
    const read = statements.find((s) => s.Sid === 'ReadKeyStore');
    const patterns = list(read?.Resource).map((r) => JSON.stringify(r));
    expect(patterns.join(' ')).toMatch(/dkim\/\*\/certificate\.pem/);
    expect(patterns.join(' ')).toMatch(/dkim\/\*\/metadata\.json/);
    expect(patterns.join(' ')).toMatch(/dns-requests\/\*/);
    expect(JSON.stringify(statements)).not.toMatch(/private-key|approvals/);
    // Unconditioned on purpose: S3's 404-or-403 answer for a missing certificate looks at
    // s3:ListBucket on the bucket itself, where an s3:prefix condition never matches.
    const listSelectors = statements.find((s) => s.Sid === 'ListSelectors');
    expect(listSelectors?.Action).toBe('s3:ListBucket');
    expect(listSelectors?.Condition).toBeUndefined();
  });

  it('writes only its lease object, with the read an If-Match write needs', () => {
    const statements = monitorStatements(template);
    const writes = statements.filter((s) => list(s.Action).includes('s3:PutObject'));

    expect(writes).toEqual([
      expect.objectContaining({ Sid: 'MonitorLease', Action: ['s3:GetObject', 's3:PutObject'] }),
    ]);
    expect(JSON.stringify(writes[0]?.Resource)).toMatch(
      /^\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["KeyStore[0-9A-F]+","Arn"\]\},"\/monitor\/lease\.json"\]\]\}$/,
    );
  });

  it('scopes SES, Step Functions, SNS and Lambda actions to named resources: no "*" resource', () => {
    const statements = monitorStatements(template);
    for (const statement of statements) {
      for (const action of list(statement.Action)) {
        if (/^(s3|ses|states|sns|lambda|kms):/.test(action))
          expect(list(statement.Resource)).not.toContain('*');
      }
    }
    const ses = statements.find((s) => s.Sid === 'ReadSesIdentity');
    expect(list(ses?.Action)).toEqual(['ses:GetEmailIdentity']);
    expect(JSON.stringify(ses?.Resource)).toMatch(/ap-northeast-1:123456789012:identity\/mail\.example\.jp/);
    expect(JSON.stringify(ses?.Resource)).toMatch(/ap-northeast-3:123456789012:identity\/mail\.example\.jp/);
    expect(JSON.stringify(ses?.Resource)).toMatch(/ap-northeast-1:123456789012:identity\/news\.example\.jp/);
    expect(list(ses?.Resource)).toHaveLength(3);
    const start = statements.find((s) => s.Sid === 'StartRotation');
    expect(list(start?.Action).sort()).toEqual(['states:ListExecutions', 'states:StartExecution']);
    expect(JSON.stringify(start?.Resource)).toMatch(/^\{"Ref":"StateMachine[0-9A-F]+"\}$/);
    const describe = statements.find((s) => s.Sid === 'DescribeRotations');
    expect(JSON.stringify(describe?.Resource)).toMatch(/:execution:/);
    const publish = statements.find((s) => s.Sid === 'Publish');
    expect(list(publish?.Resource)).toHaveLength(2);
    const invoke = statements.find((s) => s.Sid === 'ContinueRun');
    expect(JSON.stringify(invoke?.Resource)).toMatch(/function:byodkim-rotation-test-Monitor"/);
  });

  it('alarms on the state machine failing or timing out, to the operators topic', () => {
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metricName,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: Match.stringLikeRegexp('^StateMachine') } }],
        Threshold: 1,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^OperatorsTopic') }],
      });
    }
  });

  it('says in the alarm descriptions exactly which failed executions each one counts', () => {
    const description = (metricName: string) => {
      const [alarm] = Object.values(
        template.findResources('AWS::CloudWatch::Alarm', {
          Properties: { MetricName: metricName },
        }) as Resources,
      );
      return String(alarm?.Properties.AlarmDescription);
    };
    // ExecutionsFailed counts every failed execution: every Fail state and uncaught task errors
    const everyFailure = description('ExecutionsFailed');
    for (const ending of REDRIVE_CANNOT_HELP) expect(everyFailure).toContain(ending);
    expect(everyFailure).toMatch(/every failed execution/);
    expect(everyFailure).toMatch(/task error nothing caught/);
    // RotationFailed counts only what NotifyFailure counts, and sends readers to ExecutionsFailed
    const someFailures = description('RotationFailed');
    expect(someFailures).toMatch(/^\[CRITICAL\] /);
    expect(someFailures).toContain(`ending in ${ROTATION_FAILED_ENDINGS.join(' or ')}`);
    expect(someFailures).toMatch(/ExecutionsFailed \(ExecutionsFailedAlarm\) counts every failed execution/);
  });

  it("lets only this monitor's alarms publish to the alarm topic and use its key", () => {
    // GIVEN the monitor used on its own, its alarms going to the operators topic (the default)
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': [
            '',
            Match.arrayWith([':cloudwatch:ap-northeast-1:123456789012:alarm:byodkim-rotation-test-alarm-*']),
          ],
        },
      },
    };
    // THEN the topic policy lets CloudWatch publish for these alarms only, and the key policy lets
    // CloudWatch use the key for these alarms only (the key serves the key store too)
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp('^OperatorsTopic') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudWatchAlarmsPublish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: fromOurAlarms,
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudWatchAlarmsToEncryptedTopic',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: fromOurAlarms,
          }),
        ]),
      },
    });
    template.allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmName: Match.stringLikeRegexp('^byodkim-rotation-test-alarm-'),
    });
  });

  it('alarms on every finding above INFO, on the fleet view of its metric', () => {
    const checks = Object.entries(CHECK_SEVERITY).filter(([, severity]) => severity !== 'INFO');
    expect(checks.length).toBeGreaterThan(10);
    for (const [check] of checks) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Byodkim/Test',
        MetricName: 'HealthCheckFindings',
        Dimensions: Match.arrayWith([
          { Name: 'Check', Value: check },
          { Name: 'service', Value: 'byodkim-monitor' },
        ]),
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^OperatorsTopic') }],
      });
    }
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      {
        MetricName: 'HealthCheckFindings',
        Dimensions: Match.arrayWith([{ Name: 'Check', Value: 'certificate-expiring' }]),
      },
      0,
    );
  });

  it.each([
    ['DaysUntilExpiry', 'Minimum', 'LessThanOrEqualToThreshold', 3, 'byodkim-monitor'],
    ['DnsRecordConsistency', 'Minimum', 'LessThanThreshold', 1, 'byodkim-monitor'],
    ['KeyGenerationStatus', 'Minimum', 'LessThanThreshold', 1, 'byodkim-rotation'],
    ['RotationFailed', 'Sum', 'GreaterThanOrEqualToThreshold', 1, 'byodkim-rotation'],
    ['RotationRolledBack', 'Sum', 'GreaterThanOrEqualToThreshold', 1, 'byodkim-rotation'],
  ])('alarms on %s (%s, %s %i)', (metricName, statistic, operator, threshold, service) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Byodkim/Test',
      MetricName: metricName,
      Dimensions: [{ Name: 'service', Value: service }],
      Statistic: statistic,
      ComparisonOperator: operator,
      Threshold: threshold,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^OperatorsTopic') }],
    });
  });

  it('alarms when the monitor fails or has not run for two days', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^MonitorFunction') } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Period: 86_400,
      EvaluationPeriods: 2,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('builds one dashboard with the state machine, the metrics and every alarm', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard') as Resources);
    const body = JSON.stringify(stack.resolve(dashboard?.Properties.DashboardBody));
    for (const name of [
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'ExecutionsSucceeded',
      'DkimVerificationStatus',
      'DaysUntilExpiry',
      'RotationStarted',
      'RotationSucceeded',
      'RotationFailed',
      'RotationRolledBack',
      'KeyGenerationStatus',
      'DnsRecordConsistency',
      'NotificationsSent',
      'HealthCheckFindings',
    ]) {
      expect(body).toContain(name);
    }
    // the rotations graph shows every failed execution next to the two endings RotationFailed counts
    expect(body).toContain('Failed executions, every ending (ExecutionsFailed)');
    expect(body).toContain(`RotationFailed (${ROTATION_FAILED_ENDINGS.join(', ')})`);
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarmIds.length).toBeGreaterThan(20);
    // Logical ids appear in the body only where the alarm widget references an alarm's ARN.
    for (const alarmId of alarmIds) expect(body).toContain(alarmId);
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged in code', () => {
    const report = new AwsSolutionsChecks().validateScope(stack.node.findChild('Monitor'));
    expect(
      report.violations.map(
        (violation) =>
          `${violation.ruleName} ${violation.violatingResources.map((r) => `${r.resourceLogicalId} ${JSON.stringify(r.locations)}`).join(',')}`,
      ),
    ).toEqual([]);
  });
});

describe('RotationMonitor props', () => {
  it('collects every invalid prop into one message naming each prop and the fix', () => {
    expect(() =>
      testStack(baseConfig(), {
        namePrefix: 'Bad_Prefix',
        memorySize: 64,
        timeout: Duration.minutes(20),
        sesRequestInterval: Duration.millis(200),
        concurrency: 0,
        reservedConcurrency: 0,
        daysUntilExpiryAlarmThreshold: -1,
      }),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          /props\.namePrefix = "Bad_Prefix"[\s\S]*props\.memorySize = 64[\s\S]*props\.timeout = 1200s[\s\S]*props\.sesRequestInterval = 200ms[\s\S]*props\.reservedConcurrency = 0: must be a whole number from 1 to 1000 \(0 would stop the monitor\)[\s\S]*props\.concurrency = 0[\s\S]*props\.daysUntilExpiryAlarmThreshold = -1/,
        ),
      }),
    );
  });

  it('refuses an alarm topic of its own when it joins an alarm owner, naming the prop', () => {
    // GIVEN the deployment's alarm owner, sending to its own topic
    const elsewhere = new Stack(new App(), 'Elsewhere');
    const topic = (name: string) =>
      sns.Topic.fromTopicArn(elsewhere, name, `arn:aws:sns:ap-northeast-1:123456789012:${name}`);
    const alarms = new RotationAlarms({
      namePrefix: 'byodkim-rotation-test',
      alarmTopic: topic('alarms'),
      metrics: new RotationMetricFactory('Byodkim/Test'),
    });
    // WHEN a monitor joins it and names a topic of its own too; THEN it refuses, naming the prop
    expect(() => testStack(baseConfig(), { alarms, alarmTopic: topic('other') })).toThrow(
      /props\.alarmTopic: leave it out when props\.alarms is given/,
    );
  });

  it('reserves concurrency only when asked to', () => {
    const { template } = testStack(baseConfig(), { reservedConcurrency: 1 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'byodkim-rotation-test-Monitor',
      ReservedConcurrentExecutions: 1,
    });
  });

  it('can leave the state machine alarms to their owner and still show its alarms on the dashboard', () => {
    const { template } = testStack(baseConfig(), { stateMachineAlarms: false, heartbeatAlarm: false });
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { Namespace: 'AWS/States' }, 0);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Invocations' }, 0);
  });
});

describe('RotationMonitor wired to ByodkimRotation', () => {
  it('instantiates with one statement from the rotation construct, env-agnostic and cdk-nag clean', () => {
    // GIVEN the real ByodkimRotation in an environment-agnostic stack (as infra/app.ts builds it)
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Wired');
    const config = baseConfig();
    const rotation = new ByodkimRotation(stack, 'Rotation', { config, namePrefix: 'byodkim-rotation-test' });

    // WHEN the monitor is added with the wiring of docs/monitoring.md
    const monitor = new RotationMonitor(stack, 'Monitor', {
      config,
      bucket: rotation.bucket,
      stateMachine: rotation.stateMachine,
      operatorsTopic: rotation.operatorsTopic,
      dnsTeamTopic: rotation.dnsTeamTopic,
      alarmTopic: rotation.alarmsTopic,
      encryptionKey: rotation.key,
      // A second monitor next to the construct's own: names of its own (one function per name).
      namePrefix: 'byodkim-rotation-extra',
      stateMachineAlarms: false,
    });
    const template = Template.fromStack(stack);

    // THEN it synthesizes, reads the rotation's bucket through its key, and nag finds nothing unacknowledged
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'byodkim-rotation-extra-Monitor',
    });
    const statements = monitorStatements(template);
    const keyGrants = statements.filter((s) => JSON.stringify(s.Action).includes('kms:'));
    expect(keyGrants.map((s) => s.Sid)).toEqual([
      'UseKeyThroughS3',
      'UseKeyThroughSns',
      'UseKeyThroughStepFunctions',
    ]);
    for (const grant of keyGrants) {
      expect(JSON.stringify(grant.Resource)).toMatch(/RotationKey/);
      // never a direct kms:Decrypt: only through the service that holds the encrypted data
      expect(JSON.stringify(grant.Condition)).toMatch(/"kms:ViaService"/);
    }
    const report = new AwsSolutionsChecks().validateScope(monitor);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});
