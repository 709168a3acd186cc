import { randomUUID } from 'node:crypto';
import type { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AwsAuthorizer } from '../iam/local-iam';
import { ENVIRONMENT_ACCESS_KEY } from '../iam/principals';

/** One notification as it would reach a topic's subscribers. */
export interface SentNotification {
  readonly topicArn: string;
  readonly subject: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly at: Date;
}

/**
 * SNS, locally: notifications are kept in memory (and handed to listeners, such as the simulated
 * DNS team) instead of e-mailed. It stands in for SNSClient where the task code calls `send`.
 */
export class LocalOutbox {
  readonly sent: SentNotification[] = [];
  private readonly listeners: Array<(notification: SentNotification) => void> = [];

  /**
   * @param authorizer IAM for every publish (absent: allowed).
   * @param topicKeys the KMS key of each encrypted topic, by topic ARN.
   */
  constructor(
    private readonly authorizer?: AwsAuthorizer,
    private readonly topicKeys: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** An SNSClient look-alike whose `send(PublishCommand)` lands here (the environment's own). */
  readonly client = this.clientFor(ENVIRONMENT_ACCESS_KEY);

  /** An SNSClient look-alike signing as `accessKeyId`: each publish is authorized first. */
  clientFor(accessKeyId: string): SNSClient {
    return {
      send: async (command: PublishCommand) => {
        await this.#authorize(accessKeyId, command.input.TopicArn ?? '');
        return this.#publish(command);
      },
    } as unknown as SNSClient;
  }

  /**
   * sns:Publish on the topic, and for an encrypted topic kms:GenerateDataKey and kms:Decrypt on
   * its key (SNS Developer Guide, "Key management": publishers to an SSE topic need both).
   */
  async #authorize(accessKeyId: string, topicArn: string): Promise<void> {
    if (!this.authorizer) return;
    const denied = (name: string, message: string, status: number) =>
      Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: 'client' });
    const publish = await this.authorizer.authorize({
      accessKeyId,
      action: 'sns:Publish',
      resource: topicArn,
    });
    if (!publish.allowed) throw denied('AuthorizationErrorException', publish.message, 403);
    const keyArn = this.topicKeys.get(topicArn);
    if (keyArn === undefined) return;
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      const decision = await this.authorizer.authorize({
        accessKeyId,
        action,
        resource: keyArn,
        context: { 'kms:ViaService': `sns.${topicArn.split(':')[3] ?? ''}.amazonaws.com` },
      });
      if (!decision.allowed) throw denied('KMSAccessDeniedException', decision.message, 400);
    }
  }

  #publish(command: PublishCommand) {
    const input = command.input;
    const notification: SentNotification = {
      topicArn: input.TopicArn ?? '',
      subject: input.Subject ?? '',
      message: input.Message ?? '',
      attributes: Object.fromEntries(
        Object.entries(input.MessageAttributes ?? {}).map(([key, value]) => [key, value.StringValue ?? '']),
      ),
      at: new Date(),
    };
    this.sent.push(notification);
    for (const listener of this.listeners) listener(notification);
    return { MessageId: randomUUID(), $metadata: {} };
  }

  /** Calls `listener` for every notification from now on. */
  onNotification(listener: (notification: SentNotification) => void): void {
    this.listeners.push(listener);
  }
}
