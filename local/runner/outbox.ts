import { randomUUID } from 'node:crypto';
import type { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

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

  /** An SNSClient look-alike whose `send(PublishCommand)` lands here. */
  readonly client = {
    send: async (command: PublishCommand) => {
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
    },
  } as unknown as SNSClient;

  /** Calls `listener` for every notification from now on. */
  onNotification(listener: (notification: SentNotification) => void): void {
    this.listeners.push(listener);
  }
}
