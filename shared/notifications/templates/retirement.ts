/** The retirement request: "please revoke or remove the old record", after the retention wait. */
import type { AddressNotChecked } from '../../rotation/state';
import { contactLine, retirementNotCheckedLine } from '../common-lines';
import type { Notification } from '../model';
import { lines } from '../render';

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
