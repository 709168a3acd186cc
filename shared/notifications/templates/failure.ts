/** The failure family: rolled back, rollback failed or unconfirmed, retirement not confirmed. */
import type { RecordToPublish } from '../../rotation/state';
import { COMPOSED_MAX_CHARS, sanitise } from '../../sanitise';
import { contactLine } from '../common-lines';
import { recordsAsZoneFile } from '../confirmation-text';
import type { Detail, Notification } from '../model';
import { lines } from '../render';

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
