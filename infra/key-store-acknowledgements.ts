/**
 * The cdk-nag acknowledgement every key-store grant needs: IAM5 on the per-prefix object ARNs.
 * cdk-nag v3 acknowledges each wildcard finding by its exact resource, so one place spells them.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

/** The object patterns of the key store that grants name (`dkim/*` keys, requests, approvals). */
export const KEY_STORE_PATTERNS = [
  'dkim/*/private-key.pem',
  'dkim/*/certificate.pem',
  'dkim/*/metadata.json',
  'dns-requests/*',
  'approvals/*',
] as const;

/** Acknowledges AwsSolutions-IAM5 on `scope` for each key-store object pattern of `bucket`. */
export function acknowledgeKeyStorePatterns(scope: IConstruct, bucket: s3.IBucket): void {
  const bucketArn = `<${Stack.of(scope).resolve((bucket.node.defaultChild as s3.CfnBucket).logicalId)}.Arn>`;
  for (const pattern of KEY_STORE_PATTERNS) {
    Validations.of(scope).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/${pattern}]`,
      reason: `Scoped to one prefix and object name (${pattern}): the domain, selector or approval id is only known at run time.`,
    });
  }
}
