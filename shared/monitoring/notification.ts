/**
 * The monitor's notification for one domain (日本語 / English), built from its findings and the
 * action taken. Pure: the task publishes it with `publish` (shared/notifications/publish.ts).
 */
import type { Bilingual, Notification } from '../notifications/model';
import { COMPOSED_MAX_CHARS, sanitise } from '../sanitise';
import { type Finding, type HealthCheck, highestSeverity } from './evaluate';

/** Each check's title in both languages. */
export const CHECK_TITLES: Readonly<Record<HealthCheck, { readonly ja: string; readonly en: string }>> = {
  'certificate-expired': { ja: '証明書の有効期限切れ', en: 'Certificate expired' },
  'certificate-expiring': { ja: '証明書の有効期限が近い', en: 'Certificate expiring soon' },
  'no-active-key': { ja: 'ACTIVE の鍵が記録されていない', en: 'No ACTIVE key recorded' },
  'ses-identity-missing': { ja: 'SES に ID が存在しない', en: 'SES identity missing' },
  'ses-unreadable': { ja: 'SES の状態を取得できない', en: 'SES could not be read' },
  'ses-dkim-failed': { ja: 'SES の DKIM 検証失敗', en: 'SES DKIM verification failed' },
  'ses-pending-too-long': { ja: 'SES の DKIM 検証が長時間 PENDING', en: 'SES DKIM PENDING too long' },
  'dns-record-missing': { ja: '新しい DKIM レコードが未登録', en: 'New DKIM record still missing' },
  'active-record-not-served': {
    ja: '使用中の DKIM レコードが配信されていない',
    en: 'Record of the key in use not served',
  },
  'dns-lookup-failed': { ja: '権威サーバーに問い合わせできない', en: 'Name servers could not be asked' },
  'old-record-still-published': { ja: '旧 DKIM レコードが残っている', en: 'Old DKIM record still published' },
  'signing-drift': { ja: 'SES の署名セレクタが記録と不一致', en: 'SES signs with an unexpected selector' },
  'signing-disabled': { ja: 'DKIM 署名が無効', en: 'DKIM signing disabled' },
  'origin-not-external': { ja: 'SES が BYODKIM 以外で署名', en: 'SES not signing with our key (EXTERNAL)' },
  'key-store-unreadable': { ja: '鍵ストアを読めない', en: 'Key store could not be read' },
  'rotation-start-failed': { ja: '鍵ローテーションを開始できない', en: 'Rotation could not be started' },
};

/** What the notification reports. */
export interface MonitorNotificationInput {
  readonly domain: string;
  readonly findings: readonly Finding[];
  readonly daysUntilExpiry: number | null;
  readonly action: 'none' | 'started' | 'already-running';
  /** The started execution's name. */
  readonly executionName?: string;
  /** When the started rotation will switch SES (plannedSwitchLine). */
  readonly plannedSwitch?: Bilingual;
}

/** True when the domain's state deserves a message: a rotation started, or a WARNING or worse. */
export function shouldNotify(input: Pick<MonitorNotificationInput, 'findings' | 'action'>): boolean {
  return input.action === 'started' || input.findings.some((finding) => finding.severity !== 'INFO');
}

/** The bilingual message; severity is the highest finding's (INFO for a plain rotation start). */
export function monitorNotification(input: MonitorNotificationInput): Notification {
  const severity = highestSeverity(input.findings.filter((f) => f.severity !== 'INFO')) ?? 'INFO';
  const where = (finding: Finding) =>
    [finding.region, finding.selector].filter((part) => part !== undefined).join(', ');
  const line = (finding: Finding, language: 'ja' | 'en') => {
    const context = where(finding);
    return `- [${finding.severity}] ${CHECK_TITLES[finding.check][language]} (${finding.check}${context ? `; ${context}` : ''})`;
  };
  const days = input.daysUntilExpiry === null ? '-' : String(input.daysUntilExpiry);
  const startedJa =
    input.action === 'started'
      ? `鍵ローテーションを開始しました (${input.executionName ?? ''})。DNS チームへの依頼が続いて送られます。`
      : input.action === 'already-running'
        ? '鍵ローテーションは実行中です。'
        : '';
  const startedEn =
    input.action === 'started'
      ? `A key rotation was started (${input.executionName ?? ''}); the DNS team's request follows.`
      : input.action === 'already-running'
        ? 'A key rotation is already running.'
        : '';
  const checks = input.findings.filter((f) => f.severity !== 'INFO');
  return {
    severity,
    subject: {
      ja: `DKIM 監視 ${input.domain}: ${checks.length > 0 ? `${checks.length} 件の問題` : 'ローテーション開始'}`,
      en: `DKIM monitor ${input.domain}: ${checks.length > 0 ? `${checks.length} problem(s)` : 'rotation started'}`,
    },
    body: {
      ja: [
        `ドメイン: ${input.domain}`,
        `証明書の残り日数: ${days}`,
        startedJa,
        input.plannedSwitch?.ja ?? '',
        ...input.findings.map((finding) => line(finding, 'ja')),
        '対応手順は docs/monitoring.md と runbook を参照してください。',
      ]
        .filter(Boolean)
        .join('\n'),
      en: [
        `Domain: ${input.domain}`,
        `Days until certificate expiry: ${days}`,
        startedEn,
        input.plannedSwitch?.en ?? '',
        // A finding's detail may quote an SDK error or DNS (stableReason): sanitised once more here,
        // the last stop before mail, whoever built the finding.
        ...input.findings.map(
          (finding) => `${line(finding, 'en')}\n  ${sanitise(finding.detail, COMPOSED_MAX_CHARS)}`,
        ),
        'What to do: see docs/monitoring.md and the runbook.',
      ]
        .filter(Boolean)
        .join('\n'),
    },
  };
}
