/**
 * Notification texts (日本語 / English) and their delivery through SNS.
 *
 * One template family serves every message of a rotation: the DNS request and its reminders, the
 * success notice, the retirement request ("please revoke/remove the old record"), the abandonment
 * notice, and the failure/rollback messages. Each template is a pure function from typed input to
 * a {@link Notification}; {@link render} lays it out in the configured language(s), Japanese first,
 * with a severity (CRITICAL / WARNING / INFO) at the head of the subject as our users' operators
 * expect. Record data (names, values, JSON) is language-neutral and is printed once, after the
 * texts, so the two languages can never disagree about what to publish.
 *
 * No text ever contains a private key or a task token: the templates take public record data and
 * the approval link, which carries only an opaque id, an expiry and an HMAC.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { LAMBDA_NO_IPV6_REASON } from '../dns/not-checked-reasons';
import { COMPOSED_MAX_CHARS, printable, sanitise } from '../sanitise';
import { type ApplyWindow, applySchedule, describeApplyWindow } from './apply-window';
import { callAws } from './aws-errors';
import { recordsAsZoneFile, sesTimingLines } from './confirmation-text';
import type { DnsRequest } from './dns-request';
import type { AddressNotChecked, RecordToPublish, RegionConfirmation } from './state';

export type Severity = 'CRITICAL' | 'WARNING' | 'INFO';
export type Language = 'ja' | 'en' | 'both';

/** One text in both languages. */
export interface Bilingual {
  readonly ja: string;
  readonly en: string;
}

/** A language-neutral block printed once after the texts, under a bilingual label. */
export interface Detail {
  readonly label: Bilingual;
  /** Verbatim text (a record name, a zone-file line, JSON, a URL). */
  readonly text?: string;
  /** Labelled values, one a line (`ドメイン / Domain: example.jp`). */
  readonly rows?: readonly { readonly label: Bilingual; readonly value: string }[];
}

/** A message ready to publish. */
export interface Notification {
  readonly severity: Severity;
  readonly subject: Bilingual;
  readonly body: Bilingual;
  /** Record data, files and links, shown once whatever the language. */
  readonly details?: readonly Detail[];
}

/** SNS e-mail subjects must be shorter than 100 characters. */
const MAX_SUBJECT_CHARS = 99;
const RULE = '----------------------------------------';

/** Joins the given lines, skipping `false` and `undefined` (optional parts of a template). */
export const lines = (...parts: (string | false | undefined)[]) =>
  parts.filter((part): part is string => typeof part === 'string').join('\n');

function pick(text: Bilingual, language: Language): string[] {
  return language === 'ja' ? [text.ja] : language === 'en' ? [text.en] : [text.ja, text.en];
}

function label(text: Bilingual, language: Language): string {
  return [...new Set(pick(text, language))].join(' / ');
}

/**
 * Renders subject and body in the configured language(s): Japanese first. The subject always
 * starts with `[SEVERITY]` and is cut to SNS's limit (the Japanese part comes first, so it stays).
 */
export function render(notification: Notification, language: Language): { subject: string; message: string } {
  const head = `[${notification.severity}] `;
  let subject = head + label(notification.subject, language);
  if (subject.length > MAX_SUBJECT_CHARS) subject = `${subject.slice(0, MAX_SUBJECT_CHARS - 3)}...`;
  const parts = pick(notification.body, language);
  if (language === 'both')
    parts[0] = `(日本語の後に英語が続きます / English follows Japanese.)\n\n${parts[0]}`;
  const details = notification.details ?? [];
  if (details.length > 0) {
    parts.push(
      details
        .map((detail) =>
          lines(
            `■ ${label(detail.label, language)}`,
            ...(detail.rows ?? []).map((row) => `${label(row.label, language)}: ${row.value}`),
            detail.text,
          ),
        )
        .join('\n\n'),
    );
  }
  return { subject: subject.replace(/[\r\n]+/g, ' '), message: parts.join(`\n\n${RULE}\n\n`) };
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

// ---- Shared pieces ------------------------------------------------------------------------------

/** The time zone deadlines are shown in besides UTC (our users work in Japan; no DST). */
export const DISPLAY_TIME_ZONE = 'Asia/Tokyo';
const JST_OFFSET_MS = 9 * 3600_000;
const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number) => String(n).padStart(2, '0');

/** `2026-11-23 03:00 UTC`. */
export function formatUtc(at: Date): string {
  return `${at.getUTCFullYear()}-${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())} ${two(at.getUTCHours())}:${two(at.getUTCMinutes())} UTC`;
}

/**
 * An instant in Japan time and UTC: `2026年11月23日(月) 12:00 (日本時間) / 2026-11-23 03:00 UTC` and
 * `Mon 23 Nov 2026, 12:00 JST (2026-11-23 03:00 UTC)`. Deterministic (no locale data needed).
 */
export function formatInstant(at: Date): Bilingual {
  const jst = new Date(at.getTime() + JST_OFFSET_MS);
  const y = jst.getUTCFullYear();
  const m = jst.getUTCMonth();
  const d = jst.getUTCDate();
  const day = jst.getUTCDay();
  const time = `${two(jst.getUTCHours())}:${two(jst.getUTCMinutes())}`;
  return {
    ja: `${y}年${m + 1}月${d}日(${WEEKDAYS_JA[day]}) ${time} (日本時間) / ${formatUtc(at)}`,
    en: `${WEEKDAYS_EN[day]} ${d} ${MONTHS_EN[m]} ${y}, ${time} JST (${formatUtc(at)})`,
  };
}

/** "Who to call": the operators' addresses, or a generic line when none are configured. */
export function contactLine(contacts: readonly string[] | undefined): Bilingual {
  const list = (contacts ?? []).join(', ');
  return list.length > 0
    ? { ja: `問い合わせ先 (メール運用担当): ${list}`, en: `Questions: the mail operations team, ${list}` }
    : {
        ja: '問い合わせ先: メール運用担当 (このメールの差出人) にご連絡ください。',
        en: 'Questions: contact the mail operations team (the sender of this message).',
      };
}

/**
 * When SES will be switched: with an apply window, the window and its first chance after `now`
 * (now itself when inside it); without one, as soon as the record is verified.
 */
export function plannedSwitchLine(window: ApplyWindow | undefined, now: Date): Bilingual {
  if (window === undefined) {
    return {
      ja: 'SES の切り替え: すべてのネームサーバーでレコードを確認でき次第、すぐに行います (適用時間帯の指定なし)。',
      en: 'SES switch: as soon as every name server serves the record (no apply window is set).',
    };
  }
  const earliest = formatInstant(applySchedule(now, window).applyAt);
  const span = describeApplyWindow(window);
  return {
    ja: `SES の切り替え: 適用時間帯 ${span} の中で、レコード確認後に行います (早ければ ${earliest.ja})。時間帯の開始時に全ネームサーバーのレコードをもう一度確認します。切り替え直後、SES が新しいレコードを確認するまで DKIM 署名なしのメールが送られることがあります。`,
    en: `SES switch: inside the apply window ${span}, once the record is verified (at the earliest ${earliest.en}). The record is checked on every name server again when the window opens. Right after the switch, mail may go out without a DKIM signature until SES finds the new record.`,
  };
}

/**
 * Which name server addresses the DNS check did not ask, and why, one line per reason:
 * `IPv6 addresses of ns1.example.jp (2001:db8::1) were not checked: Lambda outside a VPC has no
 * IPv6 egress; deploy with dnsCheckVpc to check them.` Undefined when every address was asked.
 * Host names and addresses come from DNS: they are escaped here (printable); reasons are free
 * text and go through the sanitiser.
 */
export function notCheckedNotice(
  notChecked: readonly AddressNotChecked[] | undefined,
): Bilingual | undefined {
  if (notChecked === undefined || notChecked.length === 0) return undefined;
  const byReason = new Map<string, Map<string, string[]>>();
  for (const entry of notChecked) {
    const hosts = byReason.get(entry.reason) ?? new Map<string, string[]>();
    const host = printable(entry.nameServer, 255);
    hosts.set(host, [...(hosts.get(host) ?? []), printable(entry.address, 64)]);
    byReason.set(entry.reason, hosts);
  }
  const ja: string[] = [];
  const en: string[] = [];
  for (const [reason, hosts] of byReason) {
    const which = [...hosts].map(([host, addresses]) => `${host} (${addresses.join(', ')})`).join(', ');
    const lambda = reason === LAMBDA_NO_IPV6_REASON;
    ja.push(
      lambda
        ? `${which} の IPv6 アドレスは確認していません: VPC 外の Lambda には IPv6 の外向き通信がないためです。確認するには dnsCheckVpc を指定してデプロイしてください (運用担当)。`
        : `${which} の IPv6 アドレスは確認していません: ${sanitise(reason)}`,
    );
    en.push(
      lambda
        ? `IPv6 addresses of ${which} were not checked: ${LAMBDA_NO_IPV6_REASON}; deploy with dnsCheckVpc to check them (operators).`
        : `IPv6 addresses of ${which} were not checked: ${sanitise(reason)}.`,
    );
  }
  return { ja: ja.join('\n'), en: en.join('\n') };
}

// ---- The DNS request and its reminders ----------------------------------------------------------

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

// ---- Success ------------------------------------------------------------------------------------

/** What the success notice says. */
export interface SuccessMessage {
  readonly domain: string;
  readonly selector: string;
  readonly regions: readonly string[];
  /** Old external selectors whose records will be retired (empty after Easy DKIM). */
  readonly oldSelectors: readonly string[];
  readonly retentionDays: number;
  /** When the retirement request will come. */
  readonly retireAfter: Date;
  /** AUTO: the workflow deletes the old records from Route 53 itself (no request to the team). @default false */
  readonly workflowRetires?: boolean;
  /** The name server addresses VerifyDnsRecord did not ask, with the reason. @default - none */
  readonly notChecked?: readonly AddressNotChecked[];
  /** ConfirmSesStatus's per-region measurement of how long SES took. @default - not measured */
  readonly sesTimes?: readonly RegionConfirmation[];
  readonly contacts?: readonly string[];
}

/** SES signs with the new key in every region. */
export function successNotification(input: SuccessMessage): Notification {
  const { domain, selector, regions, oldSelectors, retentionDays } = input;
  const when = formatInstant(input.retireAfter);
  const old = oldSelectors.join(', ');
  const contacts = contactLine(input.contacts);
  const oldRecords = oldSelectors.map((s) => `${s}._domainkey.${domain}`).join('\n');
  const unchecked = notCheckedNotice(input.notChecked);
  const timing = sesTimingLines(input.sesTimes);
  return {
    severity: 'INFO',
    subject: { ja: `DKIM 鍵を更新しました ${domain}`, en: `DKIM key rotated for ${domain}` },
    body: {
      ja: lines(
        '■ 日本語',
        `${domain} は ${regions.join(', ')} で新しいセレクタ ${selector} の鍵により署名しています。SES がすべてのリージョンで検証に成功しました。`,
        unchecked &&
          `ワークフローは確認したすべての権威ネームサーバーのアドレスで新しいレコードを確認しました。${unchecked.ja}`,
        timing && '',
        timing?.ja,
        '',
        '今後の流れ:',
        oldSelectors.length === 0
          ? '- 以前は Easy DKIM で署名していたため、削除をお願いするレコードはありません。'
          : input.workflowRetires
            ? `- 旧セレクタ ${old} のレコードは ${retentionDays} 日間そのまま残してください (配送中のメールの検証に使われます)。${when.ja} 以降に、ワークフローが Route 53 から削除し、その旨をお知らせします。`
            : `- 旧セレクタ ${old} のレコードは ${retentionDays} 日間そのまま残してください (配送中のメールの検証に使われます)。${when.ja} 以降に、削除 (または p= で失効) をお願いするメールを送ります。`,
        `- 新しいレコード ${selector}._domainkey.${domain} は変更・削除しないでください。`,
        contacts.ja,
      ),
      en: lines(
        '■ English',
        `${domain} is now signed with the new selector ${selector} in ${regions.join(', ')}; SES verified the key in every region.`,
        unchecked &&
          `The workflow verified the new record on every name server address it checked. ${unchecked.en}`,
        timing && '',
        timing?.en,
        '',
        'What happens next:',
        oldSelectors.length === 0
          ? '- The previous signing was Easy DKIM: there is no record of ours to remove.'
          : input.workflowRetires
            ? `- Keep the record(s) of the old selector ${old} for ${retentionDays} day(s) (mail in transit is still verified with them). After ${when.en} the workflow deletes them from Route 53 and tells you.`
            : `- Keep the record(s) of the old selector ${old} for ${retentionDays} day(s) (mail in transit is still verified with them). After ${when.en} you will be asked to remove (or revoke with p=) them.`,
        `- Do not change or remove the new record ${selector}._domainkey.${domain}.`,
        contacts.en,
      ),
    },
    details: [
      {
        label: { ja: '署名中のレコード', en: 'Record in use' },
        text: `${selector}._domainkey.${domain} TXT`,
      },
      ...(oldRecords.length > 0
        ? [{ label: { ja: '後日削除するレコード', en: 'Records to retire later' }, text: oldRecords }]
        : []),
    ],
  };
}

// ---- Retirement ---------------------------------------------------------------------------------

/** What the retirement request says. */
export interface RetirementMessage {
  readonly domain: string;
  /** The selector SES now signs with (its record must stay). */
  readonly selector: string;
  /** The old selector whose record is retired. */
  readonly oldSelector: string;
  readonly ttl: number;
  /** The addresses VerifyDnsRecord did not ask (the retirement check asks the same way). @default - none */
  readonly notChecked?: readonly AddressNotChecked[];
  readonly contacts?: readonly string[];
}

/**
 * The retirement notices' line on the addresses the new record's verification did not ask
 * (RetireOldKey checks with the same IPv6 policy), or undefined when it asked them all.
 */
export function retirementNotCheckedLine(
  notChecked: readonly AddressNotChecked[] | undefined,
): Bilingual | undefined {
  const unchecked = notCheckedNotice(notChecked);
  return (
    unchecked && {
      ja: `新しいレコードの確認時: ${unchecked.ja} 旧鍵の削除も同じアドレスで確認します。`,
      en: `When the new record was verified: ${unchecked.en} The old key's removal is checked on the same addresses.`,
    }
  );
}

/** The TXT value of a revoked DKIM key (RFC 6376 §3.6.1: an empty p=). */
export const REVOKED_DKIM_VALUE = 'v=DKIM1; p=';

/** "Please revoke or remove the old record": sent once, after the retention wait. */
export function retirementNotification(input: RetirementMessage): Notification {
  const { domain, selector, oldSelector, ttl } = input;
  const oldRecord = `${oldSelector}._domainkey.${domain}`;
  const contacts = contactLine(input.contacts);
  const unchecked = retirementNotCheckedLine(input.notChecked);
  return {
    severity: 'INFO',
    subject: {
      ja: `旧 DKIM レコードの削除のお願い ${domain}`,
      en: `Please retire the old DKIM record of ${domain}`,
    },
    body: {
      ja: lines(
        '■ 日本語',
        `${domain} は新しいセレクタ ${selector} で署名しており、保持期間も過ぎました。旧レコード ${oldRecord} の TXT レコードを削除するか、値を "${REVOKED_DKIM_VALUE}" にして失効させてください。`,
        `新しいセレクタのレコード ${selector}._domainkey.${domain} は変更しないでください。`,
        '',
        '今後の流れ: ワークフローはすべての権威ネームサーバーで旧鍵が配信されなくなったことを確認し、鍵を RETIRED にして完了します。',
        unchecked?.ja,
        contacts.ja,
      ),
      en: lines(
        '■ English',
        `${domain} is signed with the new selector ${selector} and the retention period has passed. Please remove the TXT record ${oldRecord}, or revoke it by setting its value to "${REVOKED_DKIM_VALUE}".`,
        `Do not change the record of the new selector, ${selector}._domainkey.${domain}.`,
        '',
        'What happens next: the workflow checks that no authoritative name server serves the old key any more, marks it RETIRED and ends.',
        unchecked?.en,
        contacts.en,
      ),
    },
    details: [
      { label: { ja: '削除するレコード', en: 'Record to remove' }, text: `${oldRecord} TXT` },
      {
        label: { ja: '失効させる場合 (ゾーンファイル形式)', en: 'To revoke instead (zone-file line)' },
        text: `${oldRecord}. ${ttl} IN TXT "${REVOKED_DKIM_VALUE}"`,
      },
      {
        label: {
          ja: '失効させる場合 (Route 53 変更バッチ)',
          en: 'To revoke instead (Route 53 change batch)',
        },
        text: JSON.stringify(
          {
            Comment: `Revoke old DKIM key ${oldSelector} of ${domain}`,
            Changes: [
              {
                Action: 'UPSERT',
                ResourceRecordSet: {
                  Name: `${oldRecord}.`,
                  Type: 'TXT',
                  TTL: ttl,
                  ResourceRecords: [{ Value: `"${REVOKED_DKIM_VALUE}"` }],
                },
              },
            ],
          },
          null,
          2,
        ),
      },
    ],
  };
}

// ---- Abandonment --------------------------------------------------------------------------------

/** What the abandonment notice says. */
export interface AbandonedMessage {
  readonly domain: string;
  readonly selector: string;
  readonly reason: 'rejected' | 'expired';
  readonly contacts?: readonly string[];
}

/** The rotation stopped before SES was touched (rejected, or nobody approved in time). */
export function abandonedNotification(input: AbandonedMessage): Notification {
  const { domain, selector } = input;
  const record = `${selector}._domainkey.${domain}`;
  const contacts = contactLine(input.contacts);
  const why: Bilingual =
    input.reason === 'rejected'
      ? { ja: 'DNS チームが却下しました', en: 'the DNS team rejected it' }
      : { ja: '期限までに承認されませんでした', en: 'nobody approved it in time' };
  return {
    severity: 'WARNING',
    subject: { ja: `DKIM 鍵更新を中止しました ${domain}`, en: `DKIM rotation abandoned for ${domain}` },
    body: {
      ja: lines(
        '■ 日本語',
        `セレクタ ${selector} への鍵更新を中止しました (${why.ja})。SES の設定は変更しておらず、現在の鍵で署名を続けています。新しい鍵は二度と使われません (ABANDONED)。`,
        '',
        '今後の流れ:',
        `- DNS チーム: ${record} を登録済みなら削除して構いません。現在使用中のレコードは変更しないでください。`,
        '- 運用担当: 原因を確認し、準備ができたら新しいローテーションを開始してください (byodkim start <ドメイン>)。',
        contacts.ja,
      ),
      en: lines(
        '■ English',
        `The rotation to selector ${selector} was abandoned (${why.en}). SES was not changed and keeps signing with the current key; the new key will never be used (ABANDONED).`,
        '',
        'What happens next:',
        `- DNS team: if you already published ${record}, you may delete it. Do not change the record in use.`,
        '- Operators: check why, then start a new rotation when ready (byodkim start <domain>).',
        contacts.en,
      ),
    },
    details: [
      { label: { ja: '不要になったレコード', en: 'Record no longer needed' }, text: `${record} TXT` },
    ],
  };
}

// ---- Failures -----------------------------------------------------------------------------------

/** What a failure message says. */
export interface FailureMessage {
  /**
   * `rollback-unverified`: RollbackSigning restored the previous configuration, but SES does not
   * confirm it (ConfirmRollback): its records are missing, SES reports FAILED, or it stayed PENDING.
   */
  readonly kind: 'rolled-back' | 'rollback-failed' | 'rollback-unverified' | 'retirement-failed';
  readonly domain: string;
  readonly selector: string;
  readonly executionName: string;
  /**
   * The error name and a short reason. It may quote an error or DNS: the template passes it
   * through the sanitiser (at most 1,000 characters) whatever the caller did.
   */
  readonly reason: string;
  /** `rollback-unverified`: what DNS must serve for SES to sign again. @default - none */
  readonly records?: readonly RecordToPublish[];
  readonly contacts?: readonly string[];
}

/**
 * The failure family: a rollback (WARNING, both teams: keep the old record), a failed rollback
 * (CRITICAL, operators: check SES now), a retirement that could not be confirmed (WARNING).
 */
export function failureNotification(input: FailureMessage): Notification {
  const { domain, selector, executionName } = input;
  const reason = sanitise(input.reason, COMPOSED_MAX_CHARS);
  const contacts = contactLine(input.contacts);
  const execution: Detail = {
    label: { ja: '実行名 (Step Functions)', en: 'Execution (Step Functions)' },
    text: executionName,
  };
  const cause: Detail = { label: { ja: '原因', en: 'Cause' }, text: reason };
  if (input.kind === 'rollback-unverified') {
    const records = input.records ?? [];
    const cnames = records.some((record) => record.type === 'CNAME');
    return {
      severity: 'CRITICAL',
      subject: { ja: `DKIM ロールバック失敗 ${domain}`, en: `DKIM rollback FAILED for ${domain}` },
      body: {
        ja: lines(
          '■ 日本語',
          `${domain} の新しい鍵 ${selector} への切り替えに失敗したため以前の署名設定に戻しましたが、SES がその設定で署名できることを確認できませんでした。メールが DKIM 署名なしで送られているか、DKIM 検証に失敗している可能性があります。`,
          '',
          '至急の対応:',
          records.length > 0
            ? `1. 下記のレコード${cnames ? ' (Easy DKIM の CNAME レコード)' : ' (以前の鍵の TXT レコード)'}を、すべての権威ネームサーバーで公開してください (DNS チームに依頼)。`
            : '1. SES コンソールで各リージョンの DKIM 設定が必要とするレコードを確認し、すべての権威ネームサーバーで公開してください。',
          '2. SES コンソールで各リージョンの DKIM の状態が SUCCESS になることを確認してください (byodkim status でも確認できます)。',
          '3. 手順書 (runbook「RollbackFailed」) に従ってください。この実行を再実行 (redrive) しても同じ結果で終わります。',
          '4. 原因を取り除いたら、新しいローテーションを開始してください (byodkim start <ドメイン>)。',
          contacts.ja,
        ),
        en: lines(
          '■ English',
          `Switching ${domain} to the new key ${selector} failed, so the previous signing configuration was restored, but SES does not confirm it can sign with it. Mail may be going out unsigned or failing DKIM.`,
          '',
          'Act now:',
          records.length > 0
            ? `1. Have the records below (${cnames ? "Easy DKIM's CNAME records" : "the previous key's TXT record"}) published on every authoritative name server (the DNS team).`
            : "1. Find the records each region's DKIM configuration needs in the SES console and have them published on every authoritative name server.",
          '2. Watch the DKIM status of every region reach SUCCESS in the SES console (byodkim status shows it too).',
          '3. Follow the runbook ("RollbackFailed"). Redriving this execution would end the same way.',
          '4. Once the cause is fixed, start a new rotation (byodkim start <domain>).',
          contacts.en,
        ),
      },
      details: [
        ...(records.length > 0
          ? [
              {
                label: {
                  ja: '公開するレコード (ゾーンファイル形式)',
                  en: 'Records to publish (zone-file lines)',
                },
                text: recordsAsZoneFile(records),
              },
            ]
          : []),
        execution,
        cause,
      ],
    };
  }
  if (input.kind === 'rollback-failed') {
    return {
      severity: 'CRITICAL',
      subject: { ja: `DKIM ロールバック失敗 ${domain}`, en: `DKIM rollback FAILED for ${domain}` },
      body: {
        ja: lines(
          '■ 日本語',
          `${domain} の新しい鍵 ${selector} への切り替えに失敗し、以前の署名設定への復元もできませんでした。メールが DKIM 検証に失敗している可能性があります。`,
          '',
          '至急の対応:',
          '1. SES コンソールで各リージョンの DKIM 設定 (署名元・セレクタ・状態) を確認してください。',
          '2. 以前の署名設定を手順書 (runbook「Restoring SES signing by hand」) に従って手動で復元してください。この実行を再実行 (redrive) しても同じ失敗で終わります。',
          '3. 原因を取り除いたら、新しいローテーションを開始してください (byodkim start <ドメイン>)。',
          '4. DNS のレコードは旧・新ともに削除しないでください。',
        ),
        en: lines(
          '■ English',
          `Switching ${domain} to the new key ${selector} failed, and the previous signing configuration could not be restored. Mail may be failing DKIM.`,
          '',
          'Act now:',
          '1. Check the DKIM settings (origin, selector, status) of every region in the SES console.',
          '2. Restore the previous signing configuration by hand (runbook, "Restoring SES signing by hand"). Redriving this execution would end in the same failure.',
          '3. Once the cause is fixed, start a new rotation (byodkim start <domain>).',
          '4. Do not remove either DNS record, old or new.',
        ),
      },
      details: [execution, cause],
    };
  }
  if (input.kind === 'rolled-back') {
    return {
      severity: 'WARNING',
      subject: {
        ja: `DKIM 鍵更新をロールバックしました ${domain}`,
        en: `DKIM rotation rolled back for ${domain}`,
      },
      body: {
        ja: lines(
          '■ 日本語',
          `${domain} の新しい鍵 ${selector} への切り替えに失敗したため、以前の署名設定に戻しました。メールは以前の鍵で署名されています。`,
          '',
          '今後の流れ:',
          '- DNS チーム: 旧レコードは削除しないでください (現在の署名に使われています)。',
          '- 運用担当: 原因を確認して修正し、新しいローテーションを開始してください (byodkim start <ドメイン>)。この実行の再実行 (redrive) は同じ結果で終わります。',
          contacts.ja,
        ),
        en: lines(
          '■ English',
          `Switching ${domain} to the new key ${selector} failed, so the previous signing configuration was restored; mail is signed with the previous key.`,
          '',
          'What happens next:',
          '- DNS team: Do not remove the old record (it signs the mail now).',
          '- Operators: find the cause, fix it, then start a new rotation (byodkim start <domain>); redriving this execution would end the same way.',
          contacts.en,
        ),
      },
      details: [execution, cause],
    };
  }
  return {
    severity: 'WARNING',
    subject: {
      ja: `旧 DKIM レコードの失効未確認 ${domain}`,
      en: `Old DKIM record not retired for ${domain}`,
    },
    body: {
      ja: lines(
        '■ 日本語',
        `${domain} は新しい鍵 ${selector} で署名しています。旧レコードが削除 (または失効) されたことを確認できませんでした。`,
        '',
        '対応: すべての権威ネームサーバーで旧レコードが削除 (または "v=DKIM1; p=" で失効) されたことを DNS チームに確認してください (byodkim dns check で確認できます)。新しい鍵で署名しているため再実行は不要です。旧レコードがなくなると、監視の old-record-still-published の検出が消えます。',
      ),
      en: lines(
        '■ English',
        `${domain} is signed with the new key ${selector}; the old record's removal (or revocation) could not be confirmed.`,
        '',
        'To do: make sure with the DNS team that the old record is removed (or revoked with "v=DKIM1; p=") on every authoritative name server (byodkim dns check shows it). No redrive is needed: the new key signs. The monitor\'s old-record-still-published finding clears once the record is gone.',
      ),
    },
    details: [execution, cause],
  };
}
