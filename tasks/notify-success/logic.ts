/** NotifySuccess: tells operators and the DNS team that SES signs with the new key everywhere. */
import { type NotifyDeps, publish, statusNotification } from '../../shared/rotation/notifications';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { NotificationSent, RotationState } from '../../shared/rotation/state';

export interface NotifySuccessDeps extends BaseDeps {
  readonly operators: NotifyDeps;
  readonly dnsTeam: NotifyDeps;
}

export async function notifySuccess(
  state: RotationState,
  deps: NotifySuccessDeps,
): Promise<NotificationSent> {
  const { domain, selector, regions, retentionSeconds, language } = state.plan;
  const days = Math.round(retentionSeconds / 86_400);
  const old = [...new Set(state.previous.flatMap((p) => (p.origin === 'EXTERNAL' ? [p.selector] : [])))];
  const notification = statusNotification(
    'INFO',
    { ja: `DKIM 鍵を更新しました ${domain}`, en: `DKIM key rotated for ${domain}` },
    {
      ja: [
        `${domain} は ${regions.join(', ')} で新しいセレクタ ${selector} により署名しています。`,
        old.length > 0
          ? `旧セレクタ ${old.join(', ')} のレコードは ${days} 日間残してください。その後、削除 (または p= で失効) を依頼します。`
          : '以前は Easy DKIM でした。削除するレコードはありません。',
      ].join('\n'),
      en: [
        `${domain} is now signed with the new selector ${selector} in ${regions.join(', ')}.`,
        old.length > 0
          ? `Keep the record(s) of the old selector ${old.join(', ')} for ${days} day(s); you will then be asked to remove (or revoke with p=) them.`
          : 'The previous signing was Easy DKIM: no record of ours to remove.',
      ].join('\n'),
    },
  );
  const messageIds = [
    await publish(deps.operators, domain, language, notification),
    await publish(deps.dnsTeam, domain, language, notification),
  ];
  return { sentAt: deps.clock().toISOString(), messageIds };
}
