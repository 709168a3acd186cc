/** The request to the DNS team to publish the new key's record, and its reminders. */
import type { DnsRequest } from '../../rotation/dns-request';
import { contactLine } from '../common-lines';
import type { Bilingual, Notification } from '../model';
import { lines } from '../render';
import { formatInstant } from '../time-format';

/** The record to publish: the fields of the stored DNS request (shared/rotation/dns-request.ts) a notice shows. */
export type DnsRecordRequest = Pick<
  DnsRequest,
  | 'domain'
  | 'selector'
  | 'recordName'
  | 'type'
  | 'ttl'
  | 'value'
  | 'characterStrings'
  | 'zoneFileLine'
  | 'route53ChangeBatch'
  | 'fingerprint'
>;

/** What the DNS request (or a reminder of it) says. */
export interface DnsRequestMessage {
  readonly request: DnsRecordRequest;
  /** The signed approval link (id, expiry, HMAC; never a task token). */
  readonly approvalUrl: string;
  /** When the link expires and a reminder (or the end) follows. */
  readonly expiresAt: Date;
  /** 0 for the request, n for the n-th reminder. */
  readonly reminderNumber: number;
  readonly maxReminders: number;
  /** Days the old record stays after the switch. */
  readonly retentionDays: number;
  /** Where the team can fetch the same data as files (e.g. `s3://bucket/dns-requests/…zone`). */
  readonly files?: readonly string[];
  /** The operators' addresses. */
  readonly contacts?: readonly string[];
  /** When SES will be switched ({@link plannedSwitchLine}); absent in older callers. */
  readonly plannedSwitch?: Bilingual;
}

/** The request to publish the new key's record, or a reminder of it. */
export function dnsRequestNotification(input: DnsRequestMessage): Notification {
  const { request, reminderNumber: n, maxReminders } = input;
  const reminder = n > 0;
  const last = reminder && n >= maxReminders;
  const deadline = formatInstant(input.expiresAt);
  const contacts = contactLine(input.contacts);
  const planned = input.plannedSwitch;
  const bytes = request.characterStrings.map((part) => Buffer.byteLength(part)).join(' + ');
  const onTimeout: Bilingual = last
    ? {
        ja: 'これが最後のリマインドです。期限までに承認がない場合、この鍵更新は中止されます (SES は変更されません)。',
        en: 'This is the last reminder: without an approval by the deadline the rotation is abandoned (SES stays unchanged).',
      }
    : {
        ja: `期限までに承認がない場合、新しいリンク付きのリマインドを送ります (最大 ${maxReminders} 回)。その時点でこのリンクは無効になります。`,
        en: `Without an approval by the deadline, a reminder with a new link follows (at most ${maxReminders}); this link then stops working.`,
      };
  return {
    severity: reminder ? 'WARNING' : 'INFO',
    subject: {
      ja: `${reminder ? `リマインド ${n}/${maxReminders}: ` : ''}DKIM TXT レコード登録のお願い ${request.domain}`,
      en: `${reminder ? `Reminder ${n}/${maxReminders}: ` : ''}Please publish a DKIM TXT record for ${request.domain}`,
    },
    body: {
      ja: lines(
        '■ 日本語',
        `${request.domain} の DKIM 鍵を更新します。下記の TXT レコードを登録し、承認ページで承認してください。`,
        reminder && `これはリマインド (${n}/${maxReminders}) です。以前のメールのリンクは無効になりました。`,
        '',
        '手順:',
        `1. TXT レコード ${request.recordName} を、ゾーンファイル形式 (255 バイトごとの文字列)、Web コンソール用の 1 つの文字列、または Route 53 変更バッチのいずれかで登録してください (下記)。値は一字一句そのままにしてください。`,
        '2. 承認ページを開き、ドメイン・レコード名・鍵のフィンガープリントを確認して「承認する」を押してください。内容に問題があれば「却下する」を押してください (SES は変更されません)。',
        '   レコード公開前に承認しても構いません。ワークフローはすべての権威ネームサーバーの全 IPv4 アドレス (と、この環境から到達できる IPv6 アドレス。確認できなかったアドレスは完了通知に記載します) で正確な値を確認できるまで待ち、その後に SES へ適用します。',
        '',
        '今後の流れ:',
        '- 確認後、SES が新しい鍵で署名を始め、完了をお知らせします。',
        planned && `- ${planned.ja}`,
        `- 旧レコードは切り替え後 ${input.retentionDays} 日間残してください。その後、削除 (または失効) をお願いします。`,
        '',
        `期限: ${deadline.ja}`,
        onTimeout.ja,
        '承認リンクは転送しないでください。',
        contacts.ja,
      ),
      en: lines(
        '■ English',
        `The DKIM key of ${request.domain} is being rotated. Please publish the TXT record below and approve it on the approval page.`,
        reminder && `This is reminder ${n}/${maxReminders}. The links of earlier messages no longer work.`,
        '',
        'Steps:',
        `1. Publish the TXT record ${request.recordName}, as the zone-file line (strings of at most 255 bytes), the single string for web consoles, or the Route 53 change batch (below). Copy the value exactly.`,
        '2. Open the approval page, check the domain, record name and key fingerprint, and press "Approve". If something is wrong, press "Reject" (SES stays unchanged).',
        '   You may approve before the record is live: the workflow waits until every IPv4 address of every authoritative name server (and each IPv6 address this deployment can reach; the completion notice names any it could not) serves the exact value, and only then switches SES.',
        '',
        'What happens next:',
        '- Once verified, SES signs with the new key and you are told so.',
        planned && `- ${planned.en}`,
        `- Keep the old record for ${input.retentionDays} day(s) after the switch; you will then be asked to remove (or revoke) it.`,
        '',
        `Deadline: ${deadline.en}`,
        onTimeout.en,
        'Please do not forward the approval link.',
        contacts.en,
      ),
    },
    details: [
      { label: { ja: '承認ページ', en: 'Approval page' }, text: input.approvalUrl },
      {
        label: { ja: 'レコード', en: 'Record' },
        rows: [
          { label: { ja: 'ドメイン', en: 'Domain' }, value: request.domain },
          { label: { ja: 'レコード名', en: 'Record name' }, value: request.recordName },
          { label: { ja: '種類', en: 'Type' }, value: request.type },
          { label: { ja: 'TTL', en: 'TTL' }, value: String(request.ttl) },
          { label: { ja: 'セレクタ', en: 'Selector' }, value: request.selector },
          { label: { ja: '鍵のフィンガープリント', en: 'Key fingerprint' }, value: request.fingerprint },
        ],
      },
      {
        label: {
          ja: `ゾーンファイル形式 (${request.characterStrings.length} 個の文字列: ${bytes} バイト)`,
          en: `Zone-file line (${request.characterStrings.length} strings: ${bytes} bytes)`,
        },
        text: request.zoneFileLine,
      },
      {
        label: { ja: 'Web コンソール用 (1 つの文字列)', en: 'Single string for web consoles' },
        text: request.value,
      },
      {
        label: {
          ja: 'Route 53 変更バッチ',
          en: 'Route 53 change batch (aws route53 change-resource-record-sets --change-batch file://batch.json)',
        },
        text: JSON.stringify(request.route53ChangeBatch, null, 2),
      },
      ...(input.files !== undefined && input.files.length > 0
        ? [{ label: { ja: '貼り付け用ファイル', en: 'Files to paste' }, text: input.files.join('\n') }]
        : []),
    ],
  };
}
