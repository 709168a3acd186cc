/**
 * The customer managed key and the key store bucket of a ByodkimRotation: encrypted with the key,
 * versioned, TLS 1.2 only, no public access, access-logged, and refusing by bucket policy any
 * overwrite of a private key. Created in the caller's scope under the ids they have always had
 * (`Key`, `AccessLogs`, `KeyStore`): those are the logical ids of retained, deployed resources.
 */
import { ArnFormat, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * A key with yearly rotation that CloudWatch Logs may use for this account's log groups in this
 * region (the log groups of the functions and the state machine are encrypted with it).
 */
export function addEncryptionKey(scope: Construct, removalPolicy: RemovalPolicy): kms.Key {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, 'Key', {
    description: 'BYODKIM rotation: key store, logs, topics, secret and state machine',
    enableKeyRotation: true,
    removalPolicy,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogs',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
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
  return key;
}

/** What {@link addKeyStore} needs. */
export interface KeyStoreProps {
  /** Encrypts every object (SSE-KMS with an S3 Bucket Key). */
  readonly key: kms.IKey;
  /** How long server access logs are kept. */
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/** The key store (`dkim/`, `dns-requests/`, `approvals/`, `config/`, `monitor/`) and its access log bucket. */
export function addKeyStore(scope: Construct, props: KeyStoreProps): s3.Bucket {
  const accessLogs = new s3.Bucket(scope, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ expiration: Duration.days(props.logRetentionDays) }],
    removalPolicy: props.removalPolicy,
  });
  Validations.of(accessLogs).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'This is the server access log bucket of the key store; logging it into itself would loop.',
  });
  const bucket = new s3.Bucket(scope, 'KeyStore', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: props.key,
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
    removalPolicy: props.removalPolicy,
  });
  // A private key is written once and never replaced (invariant 5), whoever writes: S3 itself
  // refuses a write of one without If-None-Match (S3 User Guide, "Enforce conditional writes on
  // Amazon S3 buckets"), so no role or person can overwrite a key already sent to DNS.
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'PrivateKeysAreWrittenOnce',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects('dkim/*/private-key.pem')],
      conditions: { Null: { 's3:if-none-match': 'true' } },
    }),
  );
  return bucket;
}
