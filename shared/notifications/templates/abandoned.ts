/** The abandonment notice: the rotation stopped before SES was touched. */
import { contactLine } from '../common-lines';
import type { Bilingual, Notification } from '../model';
import { lines } from '../render';

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
