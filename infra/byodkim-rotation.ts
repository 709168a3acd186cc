/**
 * `ByodkimRotation`: the reusable construct holding the whole product — the key bucket, the
 * rotation state machine and its Lambda tasks, the approval endpoint, the topics and the alarms.
 * Secure by default: one customer managed KMS key for data at rest, TLS only, log retention from
 * the configuration, and one least-privilege role per function.
 */
import * as path from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RotationConfig } from '../shared/config';
import { ROTATION_SERVICE_NAME } from '../shared/monitoring/metrics';
import { DNS_IPV6_EGRESS_ENV } from '../shared/rotation/dns-egress';
import { manifestEntry, TASK_NAMES } from '../shared/tasks/manifest';
import { environmentOf, TASK_ENV, type TaskEnvName } from '../shared/tasks/task-env';
import { buildRotationDefinition, LAMBDA_TASKS, type LambdaTaskName } from '../workflows/rotation-workflow';
import { AlarmTopic } from './alarm-delivery';
import { addApprovalApi } from './approval-api';
import {
  type ByodkimRotationProps,
  type RotationFunctionName,
  validateByodkimRotationProps,
} from './byodkim-rotation-props';
import { DataKeyNeedsRecorder, dataKeyStatements } from './data-key-grants';
import { DeployedConfig } from './deployed-config';
import { allowVpcNetworkInterfaces, dnsCheckPlacement } from './dns-check-network';
import { acknowledgeKeyStorePatterns } from './key-store-acknowledgements';
import { stateMachineLogGroupName } from './log-group-names';
import { RotationMetricFactory } from './monitoring/metric-factory';
import { RotationAlarms } from './monitoring/rotation-alarms';
import type { SendingHealthAlarms } from './monitoring/sending-health-alarms';
import { domainRoute, filterPolicyOf } from './notification-routing';
import { OperatorPolicy } from './operator-policy';
import { RotationMonitor } from './rotation-monitor';
import { sesIdentityResources } from './ses-identity-scope';
import { addOperatorOutputs } from './stack-outputs';
import { logStateMachine } from './state-machine-logging';
import { addTaskFunction } from './task-function';
import { autoZonesOf, grantTask, type TaskGrantTargets } from './task-grants';

/** The BYODKIM rotation: bucket, workflow, tasks, approval endpoint, topics and alarms. */
export class ByodkimRotation extends Construct {
  /** The key store (`dkim/`, `dns-requests/`, `approvals/`). */
  public readonly bucket: s3.Bucket;
  /** The customer managed key encrypting everything at rest. */
  public readonly key: kms.IKey;
  /** The rotation state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** Notifications for the DNS team (filtered per domain). */
  public readonly dnsTeamTopic: sns.Topic;
  /** Notifications for operators (filtered per domain). */
  public readonly operatorsTopic: sns.Topic;
  /** Every alarm of the construct and its monitor (unfiltered, one subscription per operator address). */
  public readonly alarmsTopic: sns.Topic;
  /** The approval endpoint: an HTTP API, or a REST API behind AWS WAF with `approvalRateLimit`. */
  public readonly approvalApi: apigw.HttpApi | apigateway.RestApi;
  /** The base URL of approval links (`<approvalBaseUrl>/approvals/<id>`). */
  public readonly approvalBaseUrl: string;
  /** The daily monitor, its alarms and the dashboard. */
  public readonly monitor: RotationMonitor;
  /** The deployed configuration object (`config/…` in the key store) and its writer. */
  public readonly configuration: DeployedConfig;
  /**
   * Every alarm of the deployment: the workflow's, the sending-health ones and the monitor's (the
   * state machine's too; with `alarms: false` the monitor adds those, and the workflow's are left out).
   */
  public readonly alarms: RotationAlarms;
  /** SES sending-health alarms (config `sendingHealth`); undefined when `enabled` is false. */
  public readonly sendingHealth?: SendingHealthAlarms;
  /** What operators attach to use the `byodkim` CLI on this deployment. */
  public readonly operatorPolicy: iam.ManagedPolicy;
  /** Every function, by state name (and `ApprovalEndpoint`). */
  public readonly functions: Readonly<Record<RotationFunctionName, lambda.Function>>;

  constructor(scope: Construct, id: string, props: ByodkimRotationProps) {
    super(scope, id);
    const problems = validateByodkimRotationProps(props);
    if (problems.length > 0) {
      throw new Error(`Invalid ByodkimRotation props at ${this.node.path}:\n  - ${problems.join('\n  - ')}`);
    }
    const config = props.config;
    const prefix = props.namePrefix ?? 'byodkim-rotation';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const projectRoot = props.projectRoot ?? path.resolve(__dirname, '..');
    const stack = Stack.of(this);
    const retention = config.logRetentionDays as unknown as logs.RetentionDays;

    // ---- Encryption key -------------------------------------------------------------------
    const key =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'BYODKIM rotation: key store, logs, topics, secret and state machine',
        enableKeyRotation: true,
        removalPolicy,
      });
    this.key = key;
    if (key instanceof kms.Key) {
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CloudWatchLogs',
          principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
          actions: [
            'kms:Encrypt*',
            'kms:Decrypt*',
            'kms:ReEncrypt*',
            'kms:GenerateDataKey*',
            'kms:Describe*',
          ],
          resources: ['*'],
          conditions: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
                service: 'logs',
                resource: 'log-group',
                resourceName: '*',
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            },
          },
        }),
      );
    }

    // ---- Key store ----------------------------------------------------------------------------
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(config.logRetentionDays) }],
      removalPolicy,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the key store; logging it into itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'KeyStore', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'key-store/',
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // The monitor rewrites its lease every run: keep a week of its old versions, not years.
        { prefix: 'monitor/', noncurrentVersionExpiration: Duration.days(7) },
      ],
      removalPolicy,
    });
    // A private key is written once and never replaced (invariant 5), whoever writes: S3 itself
    // refuses a write of one without If-None-Match (S3 User Guide, "Enforce conditional writes on
    // Amazon S3 buckets"), so no role or person can overwrite a key already sent to DNS.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PrivateKeysAreWrittenOnce',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('dkim/*/private-key.pem')],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );

    // ---- Topics ---------------------------------------------------------------------------------
    this.dnsTeamTopic = new sns.Topic(this, 'DnsTeamTopic', {
      displayName: 'BYODKIM rotation: DNS team',
      masterKey: key,
      enforceSSL: true,
    });
    this.operatorsTopic = new sns.Topic(this, 'OperatorsTopic', {
      displayName: 'BYODKIM rotation: operators',
      masterKey: key,
      enforceSSL: true,
    });
    subscribeByDomain(this.dnsTeamTopic, config, (domain) => domain.dnsTeamEmails);
    subscribeByDomain(this.operatorsTopic, config, (domain) => domain.opsEmails);
    // Alarms carry no `domain` attribute, so the filtered topics above would drop every one:
    // they go to a topic of their own, unfiltered, once to each operator address.
    this.alarmsTopic = new AlarmTopic(this, 'Alarms', {
      encryptionKey: key,
      alarmNamePrefix: prefix,
      emails: config.domains.flatMap((domain) => domain.opsEmails),
    }).topic;

    // ---- Approval secret ----------------------------------------------------------------------
    const approvalSecret = new secretsmanager.Secret(this, 'ApprovalSigningSecret', {
      description: 'HMAC key signing approval links (BYODKIM rotation)',
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(approvalSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The HMAC key signs approval links that live for reminderAfterHours; rotating it is a manual, announced operation (it kills every open link).',
    });

    // ---- Deployed configuration -----------------------------------------------------------------
    // The domains travel as an S3 object, not in an environment variable (infra/deployed-config.ts).
    this.configuration = new DeployedConfig(this, 'Configuration', {
      config,
      bucket: this.bucket,
      encryptionKey: key,
      namePrefix: prefix,
      logRetention: retention,
      removalPolicy,
      projectRoot,
    });

    // ---- Functions, their roles and environment: all from the task manifest ------------------
    // shared/tasks/manifest.ts says what each function touches; the grants (task-grants.ts) and
    // the environment (shared/tasks/task-env.ts) follow from it and from nothing else.
    const functions = {} as Record<RotationFunctionName, lambda.Function>;
    const roles = {} as Record<RotationFunctionName, iam.Role>;
    const dnsPlacement = dnsCheckPlacement(this, props.dnsCheckVpc);
    // One ARN per configured identity, or identity/* per region for a fleet (ses-identity-scope.ts).
    const identities = sesIdentityResources(this, config, props.sesIdentityScope);
    const targets: TaskGrantTargets = {
      bucket: this.bucket,
      sesIdentities: identities,
      topics: { dnsTeam: this.dnsTeamTopic, operators: this.operatorsTopic },
      approvalSecret,
      configuration: this.configuration,
      autoZones: autoZonesOf(config.domains),
    };
    // What each role needs on the customer key, and through which service (data-key-grants.ts).
    const keyNeeds = new DataKeyNeedsRecorder<RotationFunctionName>();
    for (const name of TASK_NAMES) {
      const entry = manifestEntry(name);
      const { fn, role } = addTaskFunction(this, {
        folder: entry.folder,
        projectRoot,
        functionName: `${prefix}-${name}`,
        description: `BYODKIM rotation: ${name}`,
        roleDescription: `BYODKIM rotation ${name}: only what this task does`,
        ids: { logGroup: `${name}Logs`, role: `${name}Role`, function: name },
        memorySize: props.memorySize ?? 512,
        timeout: props.functionTimeout ?? Duration.minutes(2),
        logRetention: retention,
        encryptionKey: key,
        removalPolicy,
        environment: {
          POWERTOOLS_SERVICE_NAME: ROTATION_SERVICE_NAME,
          POWERTOOLS_METRICS_NAMESPACE: config.metricsNamespace,
        },
        ...(entry.asksNameServers ? { placement: dnsPlacement.functionProps } : {}),
      });
      // Task roles never delete key material, whatever else they are granted.
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'NeverDeleteKeys',
          effect: iam.Effect.DENY,
          actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          resources: [this.bucket.arnForObjects('dkim/*')],
        }),
      );
      if (entry.asksNameServers && props.dnsCheckVpc) allowVpcNetworkInterfaces(role);
      grantTask(name, fn, role, entry, targets, keyNeeds);
      for (const statement of dataKeyStatements(this, key, keyNeeds.of(name))) role.addToPolicy(statement);
      acknowledgeKeyStorePatterns(role, this.bucket);
      functions[name] = fn;
      roles[name] = role;
    }
    this.functions = functions;

    // ---- Approval endpoint --------------------------------------------------------------------
    const approvalApi = addApprovalApi(this, {
      handler: functions.ApprovalEndpoint,
      encryptionKey: key,
      logRetention: retention,
      removalPolicy,
      ...(props.approvalRateLimit ? { rateLimit: props.approvalRateLimit } : {}),
    });
    this.approvalApi = approvalApi.api;
    this.approvalBaseUrl = approvalApi.baseUrl;

    // Every variable the manifest gives a function (the approval link base needs the API above).
    const environmentValues: Record<TaskEnvName, string> = {
      bucketName: this.bucket.bucketName,
      configObjectKey: this.configuration.objectKey,
      dnsTeamTopicArn: this.dnsTeamTopic.topicArn,
      operatorsTopicArn: this.operatorsTopic.topicArn,
      approvalSecretArn: approvalSecret.secretArn,
      approvalBaseUrl: approvalApi.baseUrl,
      dnsIpv6Egress: dnsPlacement.environment[DNS_IPV6_EGRESS_ENV] as string,
    };
    for (const name of TASK_NAMES) {
      for (const variable of environmentOf(manifestEntry(name)))
        functions[name].addEnvironment(TASK_ENV[variable], environmentValues[variable]);
    }

    // ---- State machine ------------------------------------------------------------------------
    const stateMachineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      logGroupName: stateMachineLogGroupName(prefix),
      retention,
      encryptionKey: key,
      removalPolicy,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: prefix,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        buildRotationDefinition(new Construct(this, 'Workflow'), {
          functions,
          dnsVerification: config.dnsVerification,
          metricsNamespace: config.metricsNamespace,
          taskTimeout: Duration.seconds((props.functionTimeout ?? Duration.minutes(2)).toSeconds() + 60),
        }),
      ),
      tracingEnabled: true,
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(key),
    });
    // Logging is set up by state-machine-logging.ts rather than CDK's `logs` prop, whose key policy
    // statement would let any log delivery decrypt with this key. Execution data stays out of the
    // logs: NotifyDnsTeam's parameters hold the task token.
    logStateMachine(this.stateMachine, {
      destination: stateMachineLogs,
      level: sfn.LogLevel.ALL,
      includeExecutionData: false,
      key,
    });
    for (const name of Object.keys(LAMBDA_TASKS) as LambdaTaskName[]) {
      const functionArn = `<${stack.resolve((functions[name].node.defaultChild as lambda.CfnFunction).logicalId)}.Arn>`;
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${functionArn}:*]`,
        reason: `Generated by CDK's LambdaInvoke: versions and aliases of our own ${name} function only.`,
      });
    }
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "Generated by CDK for X-Ray tracing and CloudWatch Logs delivery, and RecordLostNotice's cloudwatch:PutMetricData (conditioned on the namespace): those actions support no resource-level permission.",
    });
    // RecordLostNotice: the state machine counts a lost success notice itself. PutMetricData has
    // no resource-level permission; the namespace condition key scopes it (CloudWatch User Guide,
    // "Using condition keys to limit access to CloudWatch namespaces").
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RecordLostNotice',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': config.metricsNamespace } },
      }),
    );
    // The endpoint resumes executions. A separate policy (not the role's default policy) so the
    // function does not depend on the state machine, which depends on the endpoint's URL.
    // When Step Functions' answer to a decision is lost or says "already closed", the endpoint
    // reads the execution's history before telling the DNS team anything (shared/rotation/
    // decision-evidence.ts): only the executions of this state machine.
    const executions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const resumes = new iam.Policy(this, 'ApprovalEndpointResumesExecutions', {
      roles: [roles.ApprovalEndpoint],
      statements: [
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: [this.stateMachine.stateMachineArn],
        }),
        new iam.PolicyStatement({
          actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
          resources: [executions],
        }),
      ],
    });
    const machineName = `<${stack.resolve((this.stateMachine.node.defaultChild as sfn.CfnStateMachine).logicalId)}.Name>`;
    Validations.of(resumes).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machineName}:*]`,
      reason: 'The executions of this one state machine: their names are chosen at run time.',
    });

    this.operatorPolicy = new OperatorPolicy(this, 'Operators', {
      bucket: this.bucket,
      key,
      stateMachine: this.stateMachine,
      identities,
    }).policy;

    // ---- Alarms (infra/monitoring/): one owner for the workflow's, sending health's and monitor's
    this.alarms = new RotationAlarms({
      namePrefix: prefix,
      alarmTopic: this.alarmsTopic,
      encryptionKey: key,
      metrics: new RotationMetricFactory(config.metricsNamespace),
    });
    if (props.alarms ?? true) {
      this.alarms.addStateMachineAlarms(this, this.stateMachine);
      this.alarms.addWorkflowAlarms(this, functions.ApprovalEndpoint);
    }
    // SES sending health (issue 18): reputation alarms beside the DKIM ones.
    this.sendingHealth = config.sendingHealth.enabled
      ? this.alarms.addSendingHealth(this, 'SendingHealth', config.sendingHealth)
      : undefined;

    // ---- Monitor (issue 8): its alarms join this.alarms, its dashboard shows them all ---------
    this.monitor = new RotationMonitor(this, 'Monitor', {
      config,
      configuration: this.configuration,
      bucket: this.bucket,
      stateMachine: this.stateMachine,
      operatorsTopic: this.operatorsTopic,
      dnsTeamTopic: this.dnsTeamTopic,
      alarms: this.alarms,
      encryptionKey: key,
      namePrefix: prefix,
      removalPolicy,
      projectRoot,
      dnsCheckVpc: props.dnsCheckVpc,
      reservedConcurrency: props.monitorReservedConcurrency,
      sesIdentityScope: props.sesIdentityScope,
    });
    if (props.stackOutputs ?? true) {
      addOperatorOutputs(this, {
        stateMachineArn: this.stateMachine.stateMachineArn,
        bucketName: this.bucket.bucketName,
        approvalBaseUrl: this.approvalBaseUrl,
        operatorPolicyArn: this.operatorPolicy.managedPolicyArn,
        configurationKey: this.configuration.objectKey,
      });
    }
  }
}

function subscribeByDomain(
  topic: sns.Topic,
  config: RotationConfig,
  emailsOf: (domain: RotationConfig['domains'][number]) => readonly string[],
): void {
  const domainsByEmail = new Map<string, string[]>();
  for (const domain of config.domains) {
    for (const email of emailsOf(domain)) {
      domainsByEmail.set(email, [...(domainsByEmail.get(email) ?? []), domain.domain]);
    }
  }
  const all = config.domains.map((domain) => domain.domain);
  for (const [email, domains] of domainsByEmail) {
    topic.addSubscription(
      new subscriptions.EmailSubscription(email, {
        filterPolicy: filterPolicyOf(domainRoute(email, domains, all)),
      }),
    );
  }
}
