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
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { describeIssues, type RotationConfig, RotationConfigSchema } from '../shared/config';
import { buildRotationDefinition, LAMBDA_TASKS, type LambdaTaskName } from '../workflows/rotation-workflow';
import { AlarmTopic } from './alarm-delivery';
import { type ApprovalRateLimit, addApprovalApi, checkApprovalRateLimit } from './approval-api';
import { DataKeyNeedsRecorder, dataKeyStatements } from './data-key-grants';
import { DeployedConfig } from './deployed-config';
import {
  allowVpcNetworkInterfaces,
  checkDnsCheckVpc,
  DNS_CHECKING_TASKS,
  type DnsCheckVpc,
  dnsCheckPlacement,
} from './dns-check-network';
import { checkEnvironmentSize } from './environment-size';
import { acknowledgeKeyStorePatterns } from './key-store-acknowledgements';
import { lambdaLogGroupName, stateMachineLogGroupName } from './log-group-names';
import { RotationMetricFactory } from './monitoring/metric-factory';
import { RotationAlarms } from './monitoring/rotation-alarms';
import type { SendingHealthAlarms } from './monitoring/sending-health-alarms';
import { domainRoute, filterPolicyOf } from './notification-routing';
import { OperatorPolicy } from './operator-policy';
import { checkMemorySize, checkNamePrefix } from './prop-checks';
import { RotationMonitor } from './rotation-monitor';
import { checkSesIdentityScope, type SesIdentityScope, sesIdentityResources } from './ses-identity-scope';
import { addOperatorOutputs } from './stack-outputs';
import { logStateMachine } from './state-machine-logging';
import { createTaskFunction } from './task-function';

/** Properties of {@link ByodkimRotation}. */
export interface ByodkimRotationProps {
  /** The validated configuration (shared/config.ts): domains, regions, timings, log retention. */
  readonly config: RotationConfig;
  /**
   * Prefix of resource names (log groups, state machine), letters, digits and hyphens.
   * @default 'byodkim-rotation'
   */
  readonly namePrefix?: string;
  /**
   * Customer managed KMS key encrypting the bucket, logs, topics, the secret and the state machine.
   * @default - a new key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the key bucket, the key and the log groups when the stack is deleted. Log
   * group names end in a suffix new for every stack creation, so retained groups never block a
   * later deployment.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Memory of every task function, in MiB (128-10240).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Timeout of every task function (at most 15 minutes).
   * @default Duration.minutes(2)
   */
  readonly functionTimeout?: Duration;
  /**
   * Alarms on failed or timed-out executions and approval endpoint failures, sent to the alarms topic.
   * The SES sending-health alarms follow config `sendingHealth.enabled` instead.
   * @default true
   */
  readonly alarms?: boolean;
  /**
   * Directory holding package-lock.json, tasks/ and shared/ (bundling root).
   * @default - the repository root (two levels above this file)
   */
  readonly projectRoot?: string;
  /**
   * Runs VerifyDnsRecord, RetireOldKey, ConfirmRollback and the monitor in this dual-stack VPC with IPv6 egress
   * (`ipv6AllowedForDualStack`), so that they check every IPv6 address of every authoritative
   * name server too. docs/deployment.md says what the VPC needs (NAT, egress-only gateway, DNS).
   * @default - outside any VPC: every IPv4 address is checked, and the IPv6 addresses are reported
   * not checked (Lambda outside a VPC has no IPv6 egress)
   */
  readonly dnsCheckVpc?: DnsCheckVpc;
  /**
   * Reserved concurrency of the monitor function (see `RotationMonitorProps.reservedConcurrency`):
   * the monitor is single-flight by its lease without it, and Lambda refuses to reserve unless
   * 100 unreserved executions remain in the account.
   * @default - none
   */
  readonly monitorReservedConcurrency?: number;
  /**
   * A per-client limit on the approval API: AWS WAF (a regional web ACL with one rate-based rule
   * keyed on the client IP) blocks with 429 an address over the limit, so nobody who learns the
   * host can keep the DNS team on 429s by exhausting the shared stage limit. WAF attaches to REST
   * APIs only, so the approval API becomes a REST API: its host changes when this is turned on or
   * off (links already sent stop working; do it while no approval is open).
   *
   * Cost: AWS WAF $5.00/month per web ACL + $1.00/month per rule + $0.60 per million requests;
   * REST API requests $3.50 per million instead of $1.00 — about $6/month in all.
   * @default - off: an HTTP API with one stage-wide limit (5 requests/s, burst 10) for everyone
   */
  readonly approvalRateLimit?: ApprovalRateLimit;
  /**
   * Which SES identities the roles may read and change: `identities` lists each configured one
   * (up to 50 domains × regions), `regions` grants `identity/*` in each configured region, for a
   * fleet whose list would outgrow IAM's policy size and CloudFormation's template size
   * (infra/ses-identity-scope.ts).
   * @default 'identities'
   */
  readonly sesIdentityScope?: SesIdentityScope;
  /**
   * The stack outputs the `byodkim` CLI reads (StateMachineArn, KeyStoreBucket, ApprovalEndpoint,
   * OperatorPolicyArn, ConfigurationKey), under those fixed names: set false on all but one
   * ByodkimRotation of a stack.
   * @default true
   */
  readonly stackOutputs?: boolean;
}

/** The functions of the construct: every task state's, plus the approval endpoint's. */
export type RotationFunctionName = LambdaTaskName | 'ApprovalEndpoint';

/** One problem per line, naming the prop and the fix. */
export function validateByodkimRotationProps(props: ByodkimRotationProps): string[] {
  const problems: string[] = [];
  const parsed = RotationConfigSchema.safeParse(props.config, { reportInput: true });
  if (!parsed.success) {
    problems.push(...describeIssues(parsed.error.issues, 'props.config').map((line) => `${line}`));
  }
  if (parsed.success) checkSesIdentityScope(parsed.data, props.sesIdentityScope, problems);
  checkNamePrefix(props.namePrefix, problems);
  checkMemorySize(props.memorySize, problems);
  checkDnsCheckVpc(props.dnsCheckVpc, problems);
  checkApprovalRateLimit(props.approvalRateLimit, problems);
  if (props.functionTimeout !== undefined && !props.functionTimeout.isUnresolved()) {
    const seconds = props.functionTimeout.toSeconds();
    if (seconds < 10 || seconds > 900) {
      problems.push(`props.functionTimeout = ${seconds}s: must be from 10 seconds to 15 minutes`);
    }
  }
  return problems;
}

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

    // ---- Functions ----------------------------------------------------------------------------
    const functions = {} as Record<RotationFunctionName, lambda.Function>;
    const roles = {} as Record<RotationFunctionName, iam.Role>;
    const folderOf = (name: RotationFunctionName): string =>
      name === 'ApprovalEndpoint' ? 'approval-endpoint' : LAMBDA_TASKS[name];
    const names = [...(Object.keys(LAMBDA_TASKS) as LambdaTaskName[]), 'ApprovalEndpoint' as const];
    const dnsPlacement = dnsCheckPlacement(this, props.dnsCheckVpc);
    for (const name of names) {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, {
        logGroupName: lambdaLogGroupName(`${prefix}-${name}`),
        retention,
        encryptionKey: key,
        removalPolicy,
      });
      const role = new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `BYODKIM rotation ${name}: only what this task does`,
      });
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'OwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      );
      // Task roles never delete key material, whatever else they are granted.
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'NeverDeleteKeys',
          effect: iam.Effect.DENY,
          actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          resources: [this.bucket.arnForObjects('dkim/*')],
        }),
      );
      roles[name] = role;
      functions[name] = createTaskFunction(this, name, {
        folder: folderOf(name),
        projectRoot,
        functionName: `${prefix}-${name}`,
        description: `BYODKIM rotation: ${name}`,
        memorySize: props.memorySize ?? 512,
        timeout: props.functionTimeout ?? Duration.minutes(2),
        role,
        logGroup,
        loggingFormat: lambda.LoggingFormat.JSON,
        environment: {
          BUCKET_NAME: this.bucket.bucketName,
          POWERTOOLS_SERVICE_NAME: 'byodkim-rotation',
          POWERTOOLS_METRICS_NAMESPACE: config.metricsNamespace,
          NODE_OPTIONS: '--enable-source-maps',
        },
        ...(DNS_CHECKING_TASKS.has(name) ? dnsPlacement.functionProps : {}),
      });
      if (DNS_CHECKING_TASKS.has(name)) {
        for (const [variable, value] of Object.entries(dnsPlacement.environment))
          functions[name].addEnvironment(variable, value);
        if (props.dnsCheckVpc) allowVpcNetworkInterfaces(role);
      }
      checkEnvironmentSize(
        functions[name],
        'the configuration is not among them (it is an S3 object): shorten namePrefix or the VPC settings',
      );
      Validations.of(functions[name]).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the project runtime (package.json engines, local environment, CI); moving to 24 is a separate change.',
      });
    }
    this.functions = functions;

    // ---- Least-privilege grants ---------------------------------------------------------------
    const objects = (pattern: string) => this.bucket.arnForObjects(pattern);
    const privateKeys = objects('dkim/*/private-key.pem');
    const certificates = objects('dkim/*/certificate.pem');
    const metadata = objects('dkim/*/metadata.json');
    const dnsRequests = objects('dns-requests/*');
    const approvals = objects('approvals/*');
    const allow = (name: RotationFunctionName, sid: string, actions: string[], resources: string[]) =>
      roles[name].addToPolicy(new iam.PolicyStatement({ sid, actions, resources }));
    // What each role needs on the customer key, and through which service (data-key-grants.ts).
    const keyNeeds = new DataKeyNeedsRecorder<RotationFunctionName>();
    // Listing reveals key names only, never key material, and needs no KMS key.
    const list = (name: RotationFunctionName) =>
      allow(name, 'ListKeyStore', ['s3:ListBucket'], [this.bucket.bucketArn]);
    // Every reader may also list the bucket: the key store reads objects that may not exist yet
    // (a new selector's metadata, an unknown approval id), and S3 answers a missing key with 403
    // AccessDenied instead of 404 to a caller without an unconditioned s3:ListBucket (S3 API
    // Reference, GetObject, "Permissions").
    const read = (name: RotationFunctionName, ...resources: string[]) => {
      allow(name, 'ReadKeyStore', ['s3:GetObject'], resources);
      list(name);
      keyNeeds.add(name, 's3', 'kms:Decrypt');
    };
    const write = (name: RotationFunctionName, ...resources: string[]) => {
      allow(name, 'WriteKeyStore', ['s3:PutObject'], resources);
      keyNeeds.add(name, 's3', 'kms:GenerateDataKey');
    };

    // One ARN per configured identity, or identity/* per region for a fleet (ses-identity-scope.ts).
    const identities = sesIdentityResources(this, config, props.sesIdentityScope);
    const sesRead = (name: RotationFunctionName) =>
      allow(name, 'ReadSesIdentity', ['ses:GetEmailIdentity'], identities);
    const sesWrite = (name: RotationFunctionName) =>
      allow(
        name,
        'SetSesSigning',
        ['ses:PutEmailIdentityDkimSigningAttributes', 'ses:PutEmailIdentityDkimAttributes'],
        identities,
      );
    const publishTo = (name: RotationFunctionName, ...topics: sns.Topic[]) => {
      allow(
        name,
        'Publish',
        ['sns:Publish'],
        topics.map((topic) => topic.topicArn),
      );
      keyNeeds.add(name, 'sns', 'kms:GenerateDataKey', 'kms:Decrypt');
    };

    // AUTO domains: TXT records under _domainkey of their own domain, in their own hosted zone, one
    // action per function (PublishDnsRecord creates, RetireOldKey deletes); nothing for MANUAL.
    const autoZones = new Map<string, string[]>();
    for (const domain of config.domains) {
      if (domain.rotationMode !== 'AUTO' || domain.hostedZoneId === undefined) continue;
      autoZones.set(domain.hostedZoneId, [...(autoZones.get(domain.hostedZoneId) ?? []), domain.domain]);
    }
    const route53Change = (name: RotationFunctionName, action: 'CREATE' | 'DELETE') => {
      for (const [zoneId, domains] of autoZones) {
        const zoneArn = `arn:${stack.partition}:route53:::hostedzone/${zoneId}`;
        allow(name, `ReadDkimRecords${zoneId}`, ['route53:ListResourceRecordSets'], [zoneArn]);
        roles[name].addToPolicy(
          new iam.PolicyStatement({
            sid: `${action === 'CREATE' ? 'Create' : 'Delete'}DkimRecords${zoneId}`,
            actions: ['route53:ChangeResourceRecordSets'],
            resources: [zoneArn],
            conditions: {
              'ForAllValues:StringEquals': {
                'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'],
                'route53:ChangeResourceRecordSetsActions': [action],
              },
              'ForAllValues:StringLike': {
                'route53:ChangeResourceRecordSetsNormalizedRecordNames': domains.map(
                  (domain) => `*._domainkey.${domain}`,
                ),
              },
            },
          }),
        );
      }
    };

    // PrepareRotation only needs to know that the previous key and certificate exist: it lists
    // the key's folder and reads no object (shared/rotation/key-presence.ts).
    list('PrepareRotation');
    sesRead('PrepareRotation');
    read('GenerateKey', privateKeys, certificates, metadata);
    write('GenerateKey', privateKeys, certificates, metadata);
    read('StoreDnsRequest', certificates, dnsRequests);
    write('StoreDnsRequest', dnsRequests);
    read('PublishDnsRecord', dnsRequests, metadata);
    write('PublishDnsRecord', metadata);
    publishTo('PublishDnsRecord', this.dnsTeamTopic);
    route53Change('PublishDnsRecord', 'CREATE');
    route53Change('RetireOldKey', 'DELETE');
    read('NotifyDnsTeam', dnsRequests, metadata, approvals);
    write('NotifyDnsTeam', metadata, approvals);
    publishTo('NotifyDnsTeam', this.dnsTeamTopic);
    read('SendReminder', metadata, approvals);
    write('SendReminder', approvals);
    read('VerifyDnsRecord', privateKeys);
    read('ApplyToSes', privateKeys, metadata);
    sesRead('ApplyToSes');
    sesWrite('ApplyToSes');
    read('ConfirmSesStatus', metadata);
    write('ConfirmSesStatus', metadata);
    sesRead('ConfirmSesStatus');
    publishTo('NotifySuccess', this.operatorsTopic, this.dnsTeamTopic);
    // RetireOldKey takes the old public key from the certificate, never from the private key.
    read('RetireOldKey', certificates, metadata);
    write('RetireOldKey', metadata);
    sesRead('RetireOldKey');
    publishTo('RetireOldKey', this.dnsTeamTopic);
    read('AbandonKey', metadata, approvals);
    write('AbandonKey', metadata, approvals);
    publishTo('AbandonKey', this.operatorsTopic, this.dnsTeamTopic);
    read('RollbackSigning', privateKeys, metadata);
    write('RollbackSigning', metadata);
    sesRead('RollbackSigning');
    sesWrite('RollbackSigning');
    // ConfirmRollback reads SES and the previous keys' certificates (public keys only) and asks
    // the name servers; it changes nothing.
    read('ConfirmRollback', certificates);
    sesRead('ConfirmRollback');
    publishTo('NotifyFailure', this.operatorsTopic, this.dnsTeamTopic);
    read('ApprovalEndpoint', approvals);
    write('ApprovalEndpoint', approvals);
    for (const name of ['NotifyDnsTeam', 'ApprovalEndpoint'] as const) {
      allow(name, 'ReadApprovalSecret', ['secretsmanager:GetSecretValue'], [approvalSecret.secretArn]);
      keyNeeds.add(name, 'secretsmanager', 'kms:Decrypt');
      functions[name].addEnvironment('APPROVAL_SECRET_ARN', approvalSecret.secretArn);
    }
    // The endpoint reads an execution's history before telling the DNS team a decision was lost
    // (ApprovalEndpointResumesExecutions below): Step Functions decrypts execution data with the key.
    keyNeeds.add('ApprovalEndpoint', 'states', 'kms:Decrypt');
    // PrepareRotation reads the domains from the configuration object (decrypted through S3).
    this.configuration.grantRead(functions.PrepareRotation);
    keyNeeds.add('PrepareRotation', 's3', 'kms:Decrypt');
    for (const name of names) {
      for (const statement of dataKeyStatements(this, key, keyNeeds.of(name)))
        roles[name].addToPolicy(statement);
    }
    for (const name of [
      'PublishDnsRecord',
      'NotifyDnsTeam',
      'NotifySuccess',
      'RetireOldKey',
      'AbandonKey',
      'NotifyFailure',
    ] as const) {
      functions[name].addEnvironment('DNS_TEAM_TOPIC_ARN', this.dnsTeamTopic.topicArn);
    }
    for (const name of ['NotifySuccess', 'AbandonKey', 'NotifyFailure'] as const) {
      functions[name].addEnvironment('OPS_TOPIC_ARN', this.operatorsTopic.topicArn);
    }
    for (const name of names) acknowledgeKeyStorePatterns(roles[name], this.bucket);

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
    functions.NotifyDnsTeam.addEnvironment('APPROVAL_BASE_URL', approvalApi.baseUrl);

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
