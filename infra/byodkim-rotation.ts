/**
 * `ByodkimRotation`: the reusable construct holding the whole product — the key bucket, the
 * rotation state machine and its Lambda tasks, the approval endpoint, the topics and the alarms.
 * Secure by default: one customer managed KMS key for data at rest, TLS only, log retention from
 * the configuration, and one least-privilege role per function.
 */
import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ROTATION_SERVICE_NAME } from '../shared/monitoring/metrics';
import { DNS_IPV6_EGRESS_ENV } from '../shared/rotation/dns-egress';
import { manifestEntry, TASK_NAMES } from '../shared/tasks/manifest';
import { environmentOf, TASK_ENV, type TaskEnvName } from '../shared/tasks/task-env';
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
import { addEncryptionKey, addKeyStore } from './key-store';
import { acknowledgeKeyStorePatterns } from './key-store-acknowledgements';
import { RotationMetricFactory } from './monitoring/metric-factory';
import { RotationAlarms } from './monitoring/rotation-alarms';
import type { SendingHealthAlarms } from './monitoring/sending-health-alarms';
import { subscribeByDomain } from './notification-routing';
import { OperatorPolicy } from './operator-policy';
import { RotationMonitor } from './rotation-monitor';
import { addRotationStateMachine, allowResumingExecutions } from './rotation-state-machine';
import { sesIdentityResources } from './ses-identity-scope';
import { addOperatorOutputs } from './stack-outputs';
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
    const retention = config.logRetentionDays as unknown as logs.RetentionDays;

    // ---- Encryption key and key store (infra/key-store.ts) ----------------------------------------
    const key = props.encryptionKey ?? addEncryptionKey(this, removalPolicy);
    this.key = key;
    this.bucket = addKeyStore(this, { key, logRetentionDays: config.logRetentionDays, removalPolicy });

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

    // ---- State machine (infra/rotation-state-machine.ts) ------------------------------------------
    this.stateMachine = addRotationStateMachine(this, {
      namePrefix: prefix,
      functions,
      config,
      key,
      logRetention: retention,
      removalPolicy,
      taskTimeout: Duration.seconds((props.functionTimeout ?? Duration.minutes(2)).toSeconds() + 60),
    });
    allowResumingExecutions(this, this.stateMachine, roles.ApprovalEndpoint);

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
