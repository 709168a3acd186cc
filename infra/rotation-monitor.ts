/**
 * `RotationMonitor`: the daily monitor of the BYODKIM rotation — the monitor function on an
 * EventBridge Scheduler schedule in the configured time zone and its least-privilege role. Its
 * alarms (and the state machine's, unless the deployment's alarm owner already has them) come from
 * `RotationAlarms`, its dashboard from `RotationDashboard` (infra/monitoring/).
 *
 * Built to be added from inside `ByodkimRotation` (or a stack) with one statement:
 * ```ts
 * new RotationMonitor(this, 'Monitor', {
 *   config, bucket: this.bucket, stateMachine: this.stateMachine, operatorsTopic: this.operatorsTopic,
 *   dnsTeamTopic: this.dnsTeamTopic, encryptionKey: key, namePrefix: prefix, removalPolicy, projectRoot,
 * });
 * ```
 */
import * as path from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, TimeZone, Token, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { MONITOR_SERVICE_NAME } from '../shared/monitoring/metrics';
import { DEFAULT_SES_INTERVAL_MS } from '../shared/monitoring/pacer';
import { MONITOR_ENV, TASK_ENV } from '../shared/tasks/task-env';
import { type DataKeyNeeds, dataKeyStatements } from './data-key-grants';
import { DeployedConfig } from './deployed-config';
import { allowVpcNetworkInterfaces, dnsCheckPlacement } from './dns-check-network';
import { RotationMetricFactory } from './monitoring/metric-factory';
import { RotationAlarms } from './monitoring/rotation-alarms';
import { RotationDashboard } from './monitoring/rotation-dashboard';
import { type RotationMonitorProps, validateRotationMonitorProps } from './rotation-monitor-props';
import { sesIdentityResources } from './ses-identity-scope';
import { addTaskFunction } from './task-function';

/** The monitor: scheduled function and its role, with its alarms and the dashboard (infra/monitoring/). */
export class RotationMonitor extends Construct {
  /** The monitor function. */
  public readonly function: lambda.Function;
  /** The schedule (cron in the configured time zone). */
  public readonly schedule: scheduler.Schedule;
  /** Every alarm created in this construct (the monitor's, and the state machine's when added here), by id. */
  public readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** The dashboard: state machine, monitor metrics, rotation metrics and alarms. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: RotationMonitorProps) {
    super(scope, id);
    const problems = validateRotationMonitorProps(props);
    if (problems.length > 0) {
      throw new Error(`Invalid RotationMonitor props at ${this.node.path}:\n  - ${problems.join('\n  - ')}`);
    }
    const config = props.config;
    const stack = Stack.of(this);
    const prefix = props.namePrefix ?? 'byodkim-rotation';
    const functionName = `${prefix}-Monitor`;
    const projectRoot = props.projectRoot ?? path.resolve(__dirname, '..');
    const namespace = config.metricsNamespace;

    // ---- Function and its role ----------------------------------------------------------------
    const dnsPlacement = dnsCheckPlacement(this, props.dnsCheckVpc);
    const { fn, role } = addTaskFunction(this, {
      folder: 'monitor',
      projectRoot,
      functionName,
      description: 'BYODKIM rotation: daily monitor (expiry, DNS, SES health; starts due rotations)',
      roleDescription: 'BYODKIM rotation Monitor: read keys and SES, start rotations, notify',
      ids: { logGroup: 'Logs', role: 'Role', function: 'Function' },
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(15),
      logRetention: config.logRetentionDays as unknown as logs.RetentionDays,
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      // One run at a time comes from the lease (tasks/monitor/lease.ts); reserving is optional.
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      environment: {
        [TASK_ENV.bucketName]: props.bucket.bucketName,
        [MONITOR_ENV.stateMachineArn]: props.stateMachine.stateMachineArn,
        [TASK_ENV.operatorsTopicArn]: props.operatorsTopic.topicArn,
        ...(props.dnsTeamTopic ? { [TASK_ENV.dnsTeamTopicArn]: props.dnsTeamTopic.topicArn } : {}),
        [MONITOR_ENV.sesRequestIntervalMs]: String(
          props.sesRequestInterval?.toMilliseconds() ?? DEFAULT_SES_INTERVAL_MS,
        ),
        [MONITOR_ENV.concurrency]: String(props.concurrency ?? 8),
        ...dnsPlacement.environment,
        POWERTOOLS_SERVICE_NAME: MONITOR_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: namespace,
      },
      placement: dnsPlacement.functionProps,
    });
    this.function = fn;
    const allow = (
      sid: string,
      actions: string[],
      resources: string[],
      conditions?: Record<string, unknown>,
    ) => role.addToPolicy(new iam.PolicyStatement({ sid, actions, resources, conditions }));
    // Reads only the public parts of the key store (never private-key.pem, never approvals/); its
    // one write is its own lease, monitor/lease.json (MonitorLease below).
    allow(
      'ReadKeyStore',
      ['s3:GetObject'],
      [
        props.bucket.arnForObjects('dkim/*/certificate.pem'),
        props.bucket.arnForObjects('dkim/*/metadata.json'),
        props.bucket.arnForObjects('dns-requests/*'),
      ],
    );
    // Unconditioned: S3 decides 404 vs 403 for a missing certificate on ListBucket of the bucket
    // itself, where an s3:prefix condition never matches (S3 API Reference, GetObject).
    allow('ListSelectors', ['s3:ListBucket'], [props.bucket.bucketArn]);
    // The single-flight lease: created with If-None-Match, taken over and released with If-Match
    // (which needs s3:GetObject as well as s3:PutObject).
    allow(
      'MonitorLease',
      ['s3:GetObject', 's3:PutObject'],
      [props.bucket.arnForObjects('monitor/lease.json')],
    );
    allow(
      'ReadSesIdentity',
      ['ses:GetEmailIdentity'],
      sesIdentityResources(role, config, props.sesIdentityScope),
    );
    allow(
      'StartRotation',
      ['states:StartExecution', 'states:ListExecutions'],
      [props.stateMachine.stateMachineArn],
    );
    const stateMachineName = stack.splitArn(props.stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME)
      .resourceName as string;
    allow(
      'DescribeRotations',
      ['states:DescribeExecution'],
      [
        stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${stateMachineName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    );
    const topics = [props.operatorsTopic, ...(props.dnsTeamTopic ? [props.dnsTeamTopic] : [])];
    allow(
      'Publish',
      ['sns:Publish'],
      topics.map((topic) => topic.topicArn),
    );
    if (props.encryptionKey !== undefined) {
      // Only through the services that use the key for the monitor: S3 (reads, and its lease
      // write), SNS (encrypted topics), Step Functions (DescribeExecution decrypts execution data).
      const needs: DataKeyNeeds = new Map([
        ['s3', new Set(['kms:Decrypt', 'kms:GenerateDataKey'] as const)],
        ['sns', new Set(['kms:Decrypt', 'kms:GenerateDataKey'] as const)],
        ['states', new Set(['kms:Decrypt'] as const)],
      ]);
      for (const statement of dataKeyStatements(this, props.encryptionKey, needs))
        role.addToPolicy(statement);
    }
    // The continuation of a long run invokes the function itself (by name: no dependency cycle).
    const ownArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: functionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    allow('ContinueRun', ['lambda:InvokeFunction'], [ownArn]);

    if (props.dnsCheckVpc) allowVpcNetworkInterfaces(role);
    const configuration =
      props.configuration ??
      new DeployedConfig(this, 'Configuration', {
        config,
        bucket: props.bucket,
        ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
        namePrefix: prefix,
        logRetention: config.logRetentionDays as unknown as logs.RetentionDays,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
        projectRoot,
      });
    // The domains come from the configuration object (decrypted through S3, granted above).
    configuration.grantRead(this.function);
    // cdk-nag names each wildcard finding by its rendered resource: render ours the same way.
    const rendered = (value: string, pseudo: string) =>
      Token.isUnresolved(value)
        ? pseudo === ''
          ? JSON.stringify(stack.resolve(value))
          : `<AWS::${pseudo}>`
        : value;
    const bucketLogicalId = (props.bucket.node.defaultChild as s3.CfnBucket | undefined)?.logicalId;
    const bucketArn =
      bucketLogicalId === undefined ? props.bucket.bucketArn : `<${stack.resolve(bucketLogicalId)}.Arn>`;
    for (const pattern of ['dkim/*/certificate.pem', 'dkim/*/metadata.json', 'dns-requests/*']) {
      acknowledgeNag(
        role,
        `AwsSolutions-IAM5[Resource::${bucketArn}/${pattern}]`,
        `Read-only, one prefix and object name (${pattern}): the domain and selector are only known at run time.`,
      );
    }
    acknowledgeNag(
      role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${rendered(stack.region, 'Region')}:${rendered(stack.account, 'AccountId')}:execution:${rendered(stateMachineName, '')}:*]`,
      'DescribeExecution on the executions of the rotation state machine only; their names are made at run time.',
    );

    // The scheduler target's role (a singleton the target library creates at stack level) may
    // invoke this one function in any version (`<arn>:*`).
    const functionLogicalId = stack.getLogicalId(this.function.node.defaultChild as lambda.CfnFunction);
    acknowledgeNag(
      stack,
      `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      'EventBridge Scheduler invokes only the monitor function; ":*" is the version qualifier the scheduler target grants.',
    );

    // ---- Schedule -----------------------------------------------------------------------------
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `BYODKIM rotation monitor: ${config.schedule.expression} ${config.schedule.timeZone}`,
      schedule: scheduler.ScheduleExpression.expression(
        config.schedule.expression,
        TimeZone.of(config.schedule.timeZone),
      ),
      enabled: props.scheduleEnabled ?? true,
      target: new schedulerTargets.LambdaInvoke(this.function, {
        // The scheduled instant, not the delivery time: a retried delivery counts the same days.
        input: scheduler.ScheduleTargetInput.fromObject({ now: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });

    // ---- Alarms and dashboard (infra/monitoring/) ---------------------------------------------
    // The deployment's alarm owner when one is given (ByodkimRotation's), else one of our own: the
    // state machine is watched once, by whoever asked first, so nothing has to be turned off here.
    const alarms =
      props.alarms ??
      new RotationAlarms({
        namePrefix: prefix,
        alarmTopic: props.alarmTopic ?? props.operatorsTopic,
        encryptionKey: props.encryptionKey,
        metrics: new RotationMetricFactory(namespace),
      });
    this.alarms = {
      ...((props.stateMachineAlarms ?? true) ? alarms.addStateMachineAlarms(this, props.stateMachine) : {}),
      ...alarms.addMonitorAlarms(this, this.function, {
        daysUntilExpiryAlarmThreshold: props.daysUntilExpiryAlarmThreshold,
        heartbeatAlarm: props.heartbeatAlarm,
      }),
    };
    this.dashboard = new RotationDashboard(this, 'Dashboard', {
      config,
      metrics: alarms.metrics,
      stateMachine: props.stateMachine,
      monitorFunction: this.function,
      alarms: [...alarms.alarmsFor(this), ...(props.additionalAlarms ?? [])],
      sendingHealth: alarms.sendingHealth,
      dashboardName: props.dashboardName ?? prefix,
    }).dashboard;
  }
}

/**
 * Acknowledges a cdk-nag finding in both spellings: plugin-scoped (`AwsSolutions::…`, read by the
 * synth-time validation framework) and bare (read by `AwsSolutionsChecks.validateScope`).
 */
function acknowledgeNag(scope: Construct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${ruleId}`, reason }, { id: ruleId, reason });
}
