/**
 * Delivery: one rendered notification to the SNS topic, with the `domain` and `severity` message
 * attributes the subscription filter policies route on (infra/notification-routing.ts).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { callAws } from '../rotation/aws-errors';
import type { Language, Notification } from './model';
import { render } from './render';

/** Where a notification goes. */
export interface NotifyDeps {
  readonly sns: SNSClient;
  readonly topicArn: string;
}

/** Publishes one notification; the subscription filter policies route it by domain. */
export async function publish(
  deps: NotifyDeps,
  domain: string,
  language: Language,
  notification: Notification,
): Promise<string> {
  const { subject, message } = render(notification, language);
  const output = await callAws('SNS Publish', () =>
    deps.sns.send(
      new PublishCommand({
        TopicArn: deps.topicArn,
        Subject: subject,
        Message: message,
        MessageAttributes: {
          domain: { DataType: 'String', StringValue: domain },
          severity: { DataType: 'String', StringValue: notification.severity },
        },
      }),
    ),
  );
  return output.MessageId ?? '';
}
