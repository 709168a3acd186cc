/**
 * What the DNS team is told when the workflow itself changes their Route 53 zone (rotationMode
 * AUTO): the zone is theirs, so every change the workflow makes is announced, with the exact record,
 * and with what to do if they did not expect it. Japanese then English, as every notification.
 */
import type { AddressNotChecked } from '../../rotation/state';
import { contactLine, retirementNotCheckedLine } from '../common-lines';
import type { Bilingual, Notification } from '../model';
import { lines } from '../render';

/** A change the workflow made in a hosted zone. */
export interface Route53ChangeMessage {
  readonly action: 'published' | 'removed';
  readonly domain: string;
  /** The selector SES signs (or will sign) with: its record must stay. */
  readonly selector: string;
  /** The record created or deleted, without the trailing dot. */
  readonly recordName: string;
  readonly hostedZoneId: string;
  /** The zone-file line of a published record. */
  readonly zoneFileLine?: string;
  /** Route 53's change id (absent when the zone already was as wanted). */
  readonly changeId?: string;
  /** `removed`: the record was no longer in the zone when the workflow looked (removed by someone, or by an earlier attempt of this step). */
  readonly alreadyAbsent?: boolean;
  /** `removed`: the addresses VerifyDnsRecord did not ask (the removal is checked the same way). @default - none */
  readonly notChecked?: readonly AddressNotChecked[];
  readonly contacts?: readonly string[];
  /** When SES will be switched (published only; {@link plannedSwitchLine}). */
  readonly plannedSwitch?: Bilingual;
}

/** "The workflow published / removed this record in your Route 53 zone": INFO, nothing to do. */
export function route53ChangeNotification(input: Route53ChangeMessage): Notification {
  const { domain, selector, recordName, hostedZoneId } = input;
  const contacts = contactLine(input.contacts);
  const published = input.action === 'published';
  const details = [
    {
      label: { ja: '変更内容', en: 'Change' },
      rows: [
        { label: { ja: 'ホストゾーン', en: 'Hosted zone' }, value: hostedZoneId },
        { label: { ja: 'レコード', en: 'Record' }, value: `${recordName} TXT` },
        {
          label: { ja: '操作', en: 'Action' },
          value: published ? 'CREATE' : input.alreadyAbsent ? 'DELETE (no longer present)' : 'DELETE',
        },
        ...(input.changeId ? [{ label: { ja: '変更 ID', en: 'Change id' }, value: input.changeId }] : []),
      ],
    },
    ...(published && input.zoneFileLine
      ? [{ label: { ja: 'ゾーンファイル形式', en: 'Zone-file line' }, text: input.zoneFileLine }]
      : []),
  ];
  if (published) {
    return {
      severity: 'INFO',
      subject: {
        ja: `DKIM レコード登録 (Route 53) ${domain}`,
        en: `DKIM record added (Route 53): ${domain}`,
      },
      body: {
        ja: lines(
          '■ 日本語',
          `${domain} の DKIM 鍵ローテーション (自動モード) のため、ワークフローがホストゾーン ${hostedZoneId} に ${recordName} の TXT レコードを作成しました。対応は不要です。`,
          '',
          '今後の流れ: すべての権威ネームサーバーでこのレコードが配信されたことを確認してから、SES に新しい鍵を設定します。旧セレクタのレコードは保持期間の後にワークフローが削除します。',
          input.plannedSwitch?.ja,
          `ワークフローが変更するのは ${selector} のこのレコードと旧セレクタのレコードだけです。心当たりのない変更であれば、下記へご連絡ください。`,
          contacts.ja,
        ),
        en: lines(
          '■ English',
          `To rotate the DKIM key of ${domain} (automatic mode), the workflow created the TXT record ${recordName} in hosted zone ${hostedZoneId}. Nothing to do.`,
          '',
          'What happens next: SES gets the new key only once every authoritative name server serves this record. The workflow removes the old record itself after the retention period.',
          input.plannedSwitch?.en,
          `The workflow changes only this record of ${selector} and, later, the old selector's record. If you did not expect this change, contact the people below.`,
          contacts.en,
        ),
      },
      details,
    };
  }
  const unchecked = retirementNotCheckedLine(input.notChecked);
  return {
    severity: 'INFO',
    subject: {
      ja: `旧 DKIM レコード削除 (Route 53) ${domain}`,
      en: `DKIM record removed (Route 53): ${domain}`,
    },
    body: {
      ja: lines(
        '■ 日本語',
        input.alreadyAbsent
          ? `${domain} は新しいセレクタ ${selector} で署名しており、保持期間も過ぎました。旧レコード ${recordName} の TXT レコードは、ホストゾーン ${hostedZoneId} にもうありません。対応は不要です。`
          : `${domain} は新しいセレクタ ${selector} で署名しており、保持期間も過ぎたため、ワークフローがホストゾーン ${hostedZoneId} から旧レコード ${recordName} の TXT レコードを削除しました。対応は不要です。`,
        '',
        `今後の流れ: すべての権威ネームサーバーで旧鍵が配信されなくなったことを確認し、鍵を RETIRED にして完了します。新しいレコード ${selector}._domainkey.${domain} は変更しないでください。`,
        unchecked?.ja,
        contacts.ja,
      ),
      en: lines(
        '■ English',
        input.alreadyAbsent
          ? `${domain} is signed with the new selector ${selector} and the retention period has passed. The old TXT record ${recordName} is no longer in hosted zone ${hostedZoneId}. Nothing to do.`
          : `${domain} is signed with the new selector ${selector} and the retention period has passed, so the workflow deleted the old TXT record ${recordName} from hosted zone ${hostedZoneId}. Nothing to do.`,
        '',
        `What happens next: the workflow checks that no authoritative name server serves the old key any more, marks it RETIRED and ends. Do not change the new record, ${selector}._domainkey.${domain}.`,
        unchecked?.en,
        contacts.en,
      ),
    },
    details,
  };
}
