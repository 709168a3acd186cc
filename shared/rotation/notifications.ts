/**
 * Notification texts (日本語 / English) and their delivery through SNS.
 *
 * Deliberately plain: issue 7 owns the final templates. What is fixed here: a severity in the
 * subject as our users' operators expect (CRITICAL / WARNING / INFO), the `domain` and `audience`
 * message attributes the topics' subscription filters route on, and that no text ever contains a
 * private key or a task token (the approval link carries only an id, an expiry and an HMAC).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { callAws } from './aws-errors';

export type Severity = 'CRITICAL' | 'WARNING' | 'INFO';
export type Language = 'ja' | 'en' | 'both';

/** One message in both languages. */
export interface Bilingual {
  readonly ja: string;
  readonly en: string;
}

/** A message ready to publish. */
export interface Notification {
  readonly severity: Severity;
  readonly subject: Bilingual;
  readonly body: Bilingual;
}

/** Renders subject and body in the configured language(s): Japanese first. */
export function render(notification: Notification, language: Language): { subject: string; message: string } {
  const pick = (text: Bilingual): string[] =>
    language === 'ja' ? [text.ja] : language === 'en' ? [text.en] : [text.ja, text.en];
  const subject = `[${notification.severity}] ${pick(notification.subject).join(' / ')}`;
  // SNS subjects: ASCII-safe length limit of 100 characters.
  return {
    subject: subject.length > 100 ? `${subject.slice(0, 97)}...` : subject,
    message: pick(notification.body).join('\n\n----------------------------------------\n\n'),
  };
}

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

/** What the DNS team needs to publish a record. */
export interface DnsRequestText {
  readonly domain: string;
  readonly selector: string;
  readonly recordName: string;
  readonly zoneFileLine: string;
  readonly singleString: string;
  readonly fingerprint: string;
  readonly approvalUrl: string;
  readonly deadline: string;
  readonly reminderNumber: number;
}

/** The request to publish the new key's record, or a reminder of it. */
export function dnsRequestNotification(text: DnsRequestText): Notification {
  const reminder = text.reminderNumber > 0;
  return {
    severity: reminder ? 'WARNING' : 'INFO',
    subject: {
      ja: `${reminder ? `リマインド${text.reminderNumber}: ` : ''}DKIM TXT レコード登録依頼 ${text.domain}`,
      en: `${reminder ? `Reminder ${text.reminderNumber}: ` : ''}Please publish DKIM TXT record for ${text.domain}`,
    },
    body: {
      ja: [
        `${text.domain} の DKIM 鍵を更新します。次の TXT レコードを登録し、下のリンクから承認してください。`,
        `レコード名: ${text.recordName}`,
        'ゾーンファイル形式:',
        text.zoneFileLine,
        'Web コンソール用 (1 行):',
        text.singleString,
        `鍵のフィンガープリント: ${text.fingerprint}`,
        `承認ページ (期限 ${text.deadline}): ${text.approvalUrl}`,
        '承認はレコード公開前でも構いません。全権威サーバーで確認できるまで SES には適用しません。',
        reminder ? '以前のリンクは無効になりました。' : '',
      ]
        .filter(Boolean)
        .join('\n'),
      en: [
        `The DKIM key of ${text.domain} is being rotated. Please publish this TXT record and approve with the link below.`,
        `Record name: ${text.recordName}`,
        'Zone file line:',
        text.zoneFileLine,
        'Single string for web consoles:',
        text.singleString,
        `Key fingerprint: ${text.fingerprint}`,
        `Approval page (expires ${text.deadline}): ${text.approvalUrl}`,
        'You may approve before the record is live: SES is switched only once every authoritative name server serves it.',
        reminder ? 'Earlier links no longer work.' : '',
      ]
        .filter(Boolean)
        .join('\n'),
    },
  };
}

/** Plain status messages (success, failure, retirement, abandonment). */
export function statusNotification(severity: Severity, subject: Bilingual, body: Bilingual): Notification {
  return { severity, subject, body };
}
