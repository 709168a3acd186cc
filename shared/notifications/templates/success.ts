/** The success notice: SES signs with the new key in every region. */
import type { AddressNotChecked, RegionConfirmation } from '../../rotation/state';
import { contactLine, notCheckedNotice } from '../common-lines';
import { sesTimingLines } from '../confirmation-text';
import type { Notification } from '../model';
import { lines } from '../render';
import { formatInstant } from '../time-format';

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
