/**
 * Where the rotation's CloudWatch alarms go, and what lets them get there.
 *
 * Three things must hold for an alarm to reach a person (Knowledge Center, "Why didn't I receive
 * an SNS notification for my CloudWatch alarm trigger?"; SNS Developer Guide, "Amazon SNS
 * subscription filter policies"):
 * 1. the topic policy allows `cloudwatch.amazonaws.com` to publish — a topic policy replaces the
 *    default one, so a topic with `enforceSSL` allows nobody until a statement says so;
 * 2. the topic's KMS key lets CloudWatch generate data keys and decrypt, for these alarms only;
 * 3. a subscription accepts a message that carries no message attribute — alarm notifications
 *    carry none, so any filter on `domain` drops every one of them.
 *
 * Alarms are named `<prefix>-alarm-<id>`, so both grants can name exactly this deployment's
 * alarms by ARN pattern (the key policy cannot reference the alarms themselves: the alarms
 * depend on the topic, which depends on the key).
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** The service principal CloudWatch alarms act as when they publish. */
export const CLOUDWATCH_PRINCIPAL = 'cloudwatch.amazonaws.com';

/** Sid of the topic policy statement letting this deployment's alarms publish. */
export const ALARMS_PUBLISH_SID = 'CloudWatchAlarmsPublish';

/** Sid of the key policy statement letting this deployment's alarms use the topic's key. */
export const ALARMS_KEY_SID = 'CloudWatchAlarmsToEncryptedTopic';

/** The name of alarm `id` (`ExecutionsFailedAlarm` → `<prefix>-alarm-ExecutionsFailed`). */
export function alarmName(namePrefix: string, id: string): string {
  return `${namePrefix}-alarm-${id.replace(/Alarm$/, '')}`;
}

/** The ARN pattern of every alarm named by {@link alarmName} with `namePrefix`, in this stack's account and region. */
export function alarmArnPattern(scope: Construct, namePrefix: string): string {
  return Stack.of(scope).formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: `${namePrefix}-alarm-*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** The condition naming this account's alarms of `namePrefix` (confused-deputy protection). */
function fromOurAlarms(scope: Construct, namePrefix: string) {
  return {
    StringEquals: { 'aws:SourceAccount': Stack.of(scope).account },
    ArnLike: { 'aws:SourceArn': alarmArnPattern(scope, namePrefix) },
  };
}

/**
 * Lets the alarms named with `namePrefix` publish to `topic` and use `key` (the topic's key).
 * A topic or key imported from elsewhere cannot take statements: its owner must add them
 * (docs/deployment.md). Adding the same statements twice is harmless (CDK drops duplicates).
 */
export function allowAlarmsToPublish(topic: sns.ITopic, key: kms.IKey | undefined, namePrefix: string): void {
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: ALARMS_PUBLISH_SID,
      principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromOurAlarms(topic, namePrefix),
    }),
  );
  key?.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: ALARMS_KEY_SID,
      principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      // The key serves more than this topic (the key store, the secret, execution data): only
      // this account's alarms of this deployment may use it, as SNS documents for AWS services
      // publishing to an encrypted topic (SNS Developer Guide, "Key management": "Enable
      // compatibility between event sources from AWS services and encrypted topics", conditioned
      // on aws:SourceArn). Never kms:CallerAccount: for a service principal that is the service's
      // own account, and a condition on it stops alarm delivery.
      conditions: fromOurAlarms(topic, namePrefix),
    }),
  );
}

/** Properties of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /** Customer managed key encrypting the topic; CloudWatch is allowed to use it for these alarms. */
  readonly encryptionKey: kms.IKey;
  /** Prefix of the alarms' names ({@link alarmName}): only those alarms may publish. */
  readonly alarmNamePrefix: string;
  /** Who receives every alarm: one unfiltered email subscription per distinct address. */
  readonly emails: readonly string[];
  /**
   * Name shown as the sender of the emails.
   * @default 'BYODKIM rotation: alarms'
   */
  readonly displayName?: string;
}

/**
 * The topic every alarm of the rotation publishes to: encrypted, TLS only, publishable by this
 * deployment's alarms, and subscribed without any filter policy. Alarms are about the fleet (the
 * workflow, the monitor, the approval endpoint), never about one domain, so every operator
 * address receives each of them once.
 */
export class AlarmTopic extends Construct {
  /** The topic to use as every alarm's action. */
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName ?? 'BYODKIM rotation: alarms',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    allowAlarmsToPublish(this.topic, props.encryptionKey, props.alarmNamePrefix);
    for (const email of distinctAddresses(props.emails)) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
  }
}

/** Addresses once each, compared without regard to case (as mail systems compare domains). */
export function distinctAddresses(emails: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const email of emails) {
    const key = email.trim().toLowerCase();
    if (!seen.has(key)) seen.set(key, email.trim());
  }
  return [...seen.values()];
}
