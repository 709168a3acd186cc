/**
 * The grants of one rotation function, derived from its task manifest entry
 * (shared/tasks/manifest.ts): nothing here names a task, so what a role may do and what its entry
 * declares cannot drift apart.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { KEY_STORE_AREAS, type TaskManifestEntry, type TopicName } from '../shared/tasks/manifest';
import type { DataKeyNeedsRecorder } from './data-key-grants';
import type { DeployedConfig } from './deployed-config';

/** The resources the manifest's words stand for, in one deployment. */
export interface TaskGrantTargets {
  /** The key store. */
  readonly bucket: s3.IBucket;
  /** The SES identity ARNs (infra/ses-identity-scope.ts). */
  readonly sesIdentities: string[];
  /** The notification topics. */
  readonly topics: Readonly<Record<TopicName, sns.ITopic>>;
  /** The approval signing secret. */
  readonly approvalSecret: secretsmanager.ISecret;
  /** The deployed configuration object. */
  readonly configuration: DeployedConfig;
  /** AUTO domains by hosted zone id (empty when every domain is MANUAL). */
  readonly autoZones: ReadonlyMap<string, readonly string[]>;
}

/** AUTO domains grouped by hosted zone id, in configuration order. */
export function autoZonesOf(
  domains: readonly { domain: string; rotationMode: string; hostedZoneId?: string | undefined }[],
): Map<string, string[]> {
  const zones = new Map<string, string[]>();
  for (const domain of domains) {
    if (domain.rotationMode !== 'AUTO' || domain.hostedZoneId === undefined) continue;
    zones.set(domain.hostedZoneId, [...(zones.get(domain.hostedZoneId) ?? []), domain.domain]);
  }
  return zones;
}

/**
 * Adds to `fn`'s role what `entry` declares, and records in `keyNeeds` which KMS actions it needs
 * through which service (data-key-grants.ts turns those into statements once per role).
 * Resuming executions is granted by the construct itself (it needs the state machine, which needs
 * the functions).
 */
export function grantTask<N extends string>(
  name: N,
  fn: lambda.Function,
  role: iam.Role,
  entry: TaskManifestEntry,
  targets: TaskGrantTargets,
  keyNeeds: DataKeyNeedsRecorder<N>,
): void {
  const allow = (sid: string, actions: string[], resources: string[]) =>
    role.addToPolicy(new iam.PolicyStatement({ sid, actions, resources }));
  const objects = (areas: readonly (keyof typeof KEY_STORE_AREAS)[]) =>
    areas.map((area) => targets.bucket.arnForObjects(KEY_STORE_AREAS[area]));

  if (entry.reads?.length) {
    allow('ReadKeyStore', ['s3:GetObject'], objects(entry.reads));
    keyNeeds.add(name, 's3', 'kms:Decrypt');
  }
  // Every reader may also list: the key store reads objects that may not exist yet (a new
  // selector's metadata, an unknown approval id), and S3 answers a missing key with 403
  // AccessDenied instead of 404 to a caller without an unconditioned s3:ListBucket (S3 API
  // Reference, GetObject, "Permissions"). Listing reveals key names only and needs no KMS key.
  if (entry.reads?.length || entry.lists)
    allow('ListKeyStore', ['s3:ListBucket'], [targets.bucket.bucketArn]);
  if (entry.writes?.length) {
    allow('WriteKeyStore', ['s3:PutObject'], objects(entry.writes));
    keyNeeds.add(name, 's3', 'kms:GenerateDataKey');
  }
  if (entry.ses !== undefined) allow('ReadSesIdentity', ['ses:GetEmailIdentity'], targets.sesIdentities);
  if (entry.ses === 'change') {
    allow(
      'SetSesSigning',
      ['ses:PutEmailIdentityDkimSigningAttributes', 'ses:PutEmailIdentityDkimAttributes'],
      targets.sesIdentities,
    );
  }
  if (entry.publishes?.length) {
    allow(
      'Publish',
      ['sns:Publish'],
      entry.publishes.map((topic) => targets.topics[topic].topicArn),
    );
    keyNeeds.add(name, 'sns', 'kms:GenerateDataKey', 'kms:Decrypt');
  }
  if (entry.route53 !== undefined) grantRoute53(role, entry.route53, targets.autoZones);
  if (entry.approvalSecret) {
    allow('ReadApprovalSecret', ['secretsmanager:GetSecretValue'], [targets.approvalSecret.secretArn]);
    keyNeeds.add(name, 'secretsmanager', 'kms:Decrypt');
  }
  // Reading an execution's history decrypts its data through Step Functions.
  if (entry.resumesExecutions) keyNeeds.add(name, 'states', 'kms:Decrypt');
  if (entry.readsConfig) {
    targets.configuration.grantRead(fn);
    keyNeeds.add(name, 's3', 'kms:Decrypt');
  }
}

/**
 * AUTO domains: TXT records under `_domainkey` of their own domain, in their own hosted zone, one
 * action per function (PublishDnsRecord creates, RetireOldKey deletes); nothing for MANUAL.
 */
function grantRoute53(
  role: iam.Role,
  action: 'CREATE' | 'DELETE',
  autoZones: ReadonlyMap<string, readonly string[]>,
): void {
  const partition = Stack.of(role).partition;
  for (const [zoneId, domains] of autoZones) {
    const zoneArn = `arn:${partition}:route53:::hostedzone/${zoneId}`;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: `ReadDkimRecords${zoneId}`,
        actions: ['route53:ListResourceRecordSets'],
        resources: [zoneArn],
      }),
    );
    role.addToPolicy(
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
}
